// The list of sensitive-content cues, kept free of model code so the page can
// show it (including cues Filigrane cannot detect yet) without loading models.
export const CUE_KINDS = Object.freeze([
  { id: 'faces', label: 'Faces', available: true, model: 'blazeface-back-256' },
  { id: 'nsfw', label: 'Nudity', available: true, model: 'nsfw-mobilenet-v2' },
  { id: 'text', label: 'Personal data in text (e-mail, also written as "at … dot", phone, card, IBAN, postal addresses, names after labels, web addresses with tokens)', available: true, model: 'ocr-det' },
  { id: 'codes', label: 'QR codes and barcodes (what they carry)', available: true, model: null },
  { id: 'metadata', label: 'Location and owner metadata', available: true, model: null },
  { id: 'plates', label: 'Licence plates', available: false, model: null,
    why: 'no plate detector with a licence is published in the registries Filigrane may use (npm, Debian)' },
  { id: 'accessibility', label: 'Accessibility markers (wheelchairs, white canes)', available: false, model: null,
    why: 'no public model exists yet; the cue list is ready for one' },
]);
