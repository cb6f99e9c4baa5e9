// The list of sensitive-content cues, kept free of model code so the page can
// show it (including cues Filigrane cannot detect yet) without loading models.
export const CUE_KINDS = Object.freeze([
  { id: 'faces', label: 'Faces', available: true, model: 'blazeface-back-256' },
  { id: 'nsfw', label: 'Nudity', available: true, model: 'nsfw-mobilenet-v2' },
  { id: 'text', label: 'Personal data in text (e-mail, phone, card, IBAN)', available: true, model: 'ocr-det' },
  { id: 'metadata', label: 'Location and owner metadata', available: true, model: null },
  { id: 'accessibility', label: 'Accessibility markers (wheelchairs, white canes)', available: false, model: null,
    why: 'no public model exists yet; the cue list is ready for one' },
]);
