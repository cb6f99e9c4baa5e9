#include "core/provenance/c2pa.h"

#include <cstring>

#include "core/provenance/cbor.h"
#include "core/provenance/der.h"
#include "core/provenance/jumbf.h"

namespace filigrane::provenance {
namespace {

bool starts_with(const std::string& s, const char* prefix) {
  return s.compare(0, std::strlen(prefix), prefix) == 0;
}

// Assertion labels may carry an instance suffix ("c2pa.ingredient__1").
std::string base_label(const std::string& label) {
  const size_t p = label.find("__");
  return p == std::string::npos ? label : label.substr(0, p);
}

const JumbfBox* find_child(const JumbfBox& box, const char* uuid_tag, const char* label_prefix) {
  for (const auto& child : box.children) {
    if (!child.is_superbox) continue;
    if (child.uuid_tag() == uuid_tag || starts_with(child.label, label_prefix)) return &child;
  }
  return nullptr;
}

const JumbfBox* cbor_payload_box(const JumbfBox& box) {
  for (const auto& child : box.children) {
    if (!child.is_superbox && std::memcmp(child.type, "cbor", 4) == 0) return &child;
  }
  return nullptr;
}

// The last path component of a JUMBF URI ("self#jumbf=c2pa.assertions/x" -> "x").
std::string last_component(const std::string& url) {
  std::string u = url;
  while (!u.empty() && u.back() == '/') u.pop_back();
  const size_t slash = u.find_last_of("/=");
  return slash == std::string::npos ? u : u.substr(slash + 1);
}

// The manifest label a JUMBF URI points into ("self#jumbf=/c2pa/LABEL/..." -> "LABEL").
std::string manifest_of_uri(const std::string& url) {
  const size_t at = url.find("c2pa/");
  if (at == std::string::npos) return "";
  const size_t start = at + 5;
  const size_t end = url.find('/', start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::string url_of(const CborValue* hashed_uri) {
  if (hashed_uri == nullptr || !hashed_uri->is_map()) return "";
  const CborValue* url = hashed_uri->find("url");
  return url ? url->text_or_empty() : "";
}

// An embedded-file assertion (thumbnail): media type from its "bfdb" box, else the label's suffix.
C2paThumbnail thumbnail_of(const JumbfBox& box) {
  C2paThumbnail t;
  for (const auto& child : box.children) {
    if (child.is_superbox) continue;
    if (std::memcmp(child.type, "bfdb", 4) == 0 && child.payload.size > 1) {
      const uint8_t* p = child.payload.data + 1;  // toggles byte first
      size_t n = 0;
      while (1 + n < child.payload.size && p[n] != 0 && n < 128) ++n;
      t.format.assign(reinterpret_cast<const char*>(p), n);
    } else if (std::memcmp(child.type, "bidb", 4) == 0) {
      t.bytes = child.payload.size;
    }
  }
  if (t.format.empty()) {
    const std::string base = base_label(box.label);
    const size_t dot = base.find_last_of('.');
    const std::string ext = dot == std::string::npos ? "" : base.substr(dot + 1);
    if (ext == "jpeg" || ext == "jpg") t.format = "image/jpeg";
    else if (!ext.empty()) t.format = "image/" + ext;
  }
  return t;
}

// The string value of "key" in a small JSON text (stds.exif assertions are
// JSON-LD); "" when absent. Only simple escapes are kept; enough for names.
std::string json_string_value(ByteView json, const std::string& key) {
  const std::string text(reinterpret_cast<const char*>(json.data), json.size);
  const std::string quoted = "\"" + key + "\"";
  size_t at = text.find(quoted);
  if (at == std::string::npos) return "";
  at += quoted.size();
  while (at < text.size() && (text[at] == ' ' || text[at] == '\t' || text[at] == '\n' || text[at] == '\r' || text[at] == ':')) ++at;
  if (at >= text.size() || text[at] != '"') return "";
  std::string out;
  for (++at; at < text.size() && text[at] != '"' && out.size() < 256; ++at) {
    if (text[at] == '\\' && at + 1 < text.size()) ++at;
    out += text[at];
  }
  return out;
}

class ManifestReader {
 public:
  ManifestReader(const ProvenanceOptions& options, C2paReport& report) : report_(report) {
    limits_.max_depth = options.max_cbor_depth;
    limits_.max_items = options.max_cbor_items;
  }

  bool ok() const { return ok_; }

  void error(const std::string& message) {
    if (report_.parse_errors.size() < 32) report_.parse_errors.push_back(message);
    ok_ = false;
  }

  bool decode(const JumbfBox& box, const char* what, CborValue& out) {
    const JumbfBox* payload = cbor_payload_box(box);
    if (payload == nullptr) {
      error(std::string(what) + ": no CBOR content box");
      return false;
    }
    auto decoded = decode_cbor(payload->payload.data, payload->payload.size, limits_);
    if (!decoded.ok()) {
      error(std::string(what) + ": " + decoded.status().message());
      return false;
    }
    out = std::move(decoded).value();
    return true;
  }

  void read_manifest(const JumbfBox& manifest, C2paManifest& out) {
    out.label = manifest.label;
    if (const JumbfBox* store = find_child(manifest, "c2as", "c2pa.assertions")) {
      std::vector<std::string> ingredient_thumbnails;
      for (const auto& assertion : store->children) {
        if (!assertion.is_superbox) continue;
        out.assertion_labels.push_back(assertion.label);
        const std::string base = base_label(assertion.label);
        if (base == "c2pa.actions" || base == "c2pa.actions.v2") read_actions(assertion, out);
        if (starts_with(base, "c2pa.ingredient")) read_ingredient(assertion, out, ingredient_thumbnails);
        if (starts_with(base, "c2pa.thumbnail.claim")) out.thumbnail = thumbnail_of(assertion);
        if (base == "c2pa.hash.data" && !out.data_hash.present) read_data_hash(assertion, out.data_hash);
        if (base == "stds.exif") read_exif_assertion(assertion, out);
      }
      // Ingredient thumbnails are assertions of the same manifest, named by URI.
      for (size_t i = 0; i < out.ingredients.size() && i < ingredient_thumbnails.size(); ++i) {
        const std::string& wanted = ingredient_thumbnails[i];
        if (wanted.empty()) continue;
        for (const auto& assertion : store->children) {
          if (assertion.is_superbox && assertion.label == wanted) out.ingredients[i].thumbnail = thumbnail_of(assertion);
        }
      }
    } else {
      error("manifest " + manifest.label + ": no assertion store");
    }
    if (const JumbfBox* claim = find_child(manifest, "c2cl", "c2pa.claim")) {
      out.claim_version = claim->label == "c2pa.claim.v2" ? 2 : 1;
      read_claim(*claim, out);
    } else {
      error("manifest " + manifest.label + ": no claim");
    }
    if (const JumbfBox* signature = find_child(manifest, "c2cs", "c2pa.signature")) {
      read_signature(*signature, out);
    } else {
      error("manifest " + manifest.label + ": no signature");
    }
  }

 private:
  static std::string agent_text(const CborValue& agent) {
    if (agent.is_text()) return agent.bytes;
    if (agent.is_map()) {
      std::string name = agent.find("name") ? agent.find("name")->text_or_empty() : "";
      const CborValue* version = agent.find("version");
      if (version && version->is_text() && !version->bytes.empty()) name += " " + version->bytes;
      return name;
    }
    return "";
  }

  void read_actions(const JumbfBox& box, C2paManifest& out) {
    CborValue root;
    if (!decode(box, box.label.c_str(), root)) return;
    const CborValue* actions = root.find("actions");
    if (actions == nullptr || !actions->is_array()) {
      error(box.label + ": no actions array");
      return;
    }
    for (const auto& item : actions->items) {
      if (!item.is_map()) continue;
      C2paAction action;
      if (const CborValue* v = item.find("action")) action.action = v->text_or_empty();
      if (const CborValue* v = item.find("digitalSourceType")) action.digital_source_type = v->text_or_empty();
      if (const CborValue* v = item.find("softwareAgent")) action.software_agent = agent_text(*v);
      if (const CborValue* params = item.find("parameters")) {
        if (action.digital_source_type.empty()) {
          if (const CborValue* v = params->find("com.adobe.digitalSourceType")) {
            action.digital_source_type = v->text_or_empty();
          } else if (const CborValue* v2 = params->find("digitalSourceType")) {
            action.digital_source_type = v2->text_or_empty();
          }
        }
      }
      if (out.actions.size() < 1000) out.actions.push_back(std::move(action));
    }
  }

  void read_ingredient(const JumbfBox& box, C2paManifest& out, std::vector<std::string>& thumbnails) {
    CborValue root;
    if (!decode(box, box.label.c_str(), root)) return;
    C2paIngredient ingredient;
    if (const CborValue* v = root.find("dc:title")) ingredient.title = v->text_or_empty();
    if (const CborValue* v = root.find("relationship")) ingredient.relationship = v->text_or_empty();
    // v1/v2 name the ingredient's manifest c2pa_manifest, v3 activeManifest.
    std::string manifest_url = url_of(root.find("c2pa_manifest"));
    if (manifest_url.empty()) manifest_url = url_of(root.find("activeManifest"));
    ingredient.manifest = manifest_of_uri(manifest_url);
    const std::string thumbnail_url = url_of(root.find("thumbnail"));
    auto add_codes = [&](const CborValue* list) {
      if (list == nullptr || !list->is_array()) return;
      for (const auto& status : list->items) {
        const CborValue* code = status.is_map() ? status.find("code") : nullptr;
        if (code && code->is_text() && ingredient.validation_codes.size() < 64) ingredient.validation_codes.push_back(code->bytes);
      }
    };
    add_codes(root.find("validationStatus"));
    if (const CborValue* results = root.find("validationResults")) {
      if (const CborValue* active = results->find("activeManifest")) add_codes(active->find("failure"));
    }
    if (out.ingredients.size() < 1000) {
      out.ingredients.push_back(std::move(ingredient));
      thumbnails.resize(out.ingredients.size());
      thumbnails.back() = thumbnail_url.empty() ? "" : last_component(thumbnail_url);
    }
  }

  static void read_exif_assertion(const JumbfBox& box, C2paManifest& out) {
    for (const auto& child : box.children) {
      if (child.is_superbox || std::memcmp(child.type, "json", 4) != 0) continue;
      if (out.camera_make.empty()) out.camera_make = json_string_value(child.payload, "EXIF:Make");
      if (out.camera_model.empty()) out.camera_model = json_string_value(child.payload, "EXIF:Model");
    }
  }

  void read_data_hash(const JumbfBox& box, C2paDataHash& out) {
    CborValue root;
    if (!decode(box, box.label.c_str(), root)) return;
    out.present = true;
    if (const CborValue* v = root.find("alg")) out.alg = v->text_or_empty();
    if (const CborValue* v = root.find("hash"); v && v->type == CborValue::Type::kBytes) out.hash = v->bytes;
    if (const CborValue* list = root.find("exclusions"); list && list->is_array()) {
      for (const auto& e : list->items) {
        const CborValue* start = e.is_map() ? e.find("start") : nullptr;
        const CborValue* length = e.is_map() ? e.find("length") : nullptr;
        if (start && length && start->type == CborValue::Type::kUnsigned && length->type == CborValue::Type::kUnsigned &&
            out.exclusions.size() < 64) {
          out.exclusions.emplace_back(start->number, length->number);
        }
      }
    }
  }

  void read_claim(const JumbfBox& box, C2paManifest& out) {
    CborValue claim;
    if (!decode(box, "claim", claim)) return;
    if (const CborValue* v = claim.find("claim_generator")) out.claim_generator = v->text_or_empty();
    if (const CborValue* info = claim.find("claim_generator_info")) {
      auto add = [&](const CborValue& entry) {
        if (!entry.is_map()) return;
        C2paGeneratorInfo gi;
        if (const CborValue* n = entry.find("name")) gi.name = n->text_or_empty();
        if (const CborValue* n = entry.find("version")) gi.version = n->text_or_empty();
        out.claim_generator_info.push_back(std::move(gi));
      };
      if (info->is_array()) {
        for (const auto& entry : info->items) {
          if (out.claim_generator_info.size() < 64) add(entry);
        }
      } else {
        add(*info);
      }
    }
    if (out.claim_generator.empty()) {  // v2 claims only carry generator info
      for (const auto& gi : out.claim_generator_info) {
        if (!out.claim_generator.empty()) out.claim_generator += ' ';
        out.claim_generator += gi.version.empty() ? gi.name : gi.name + "/" + gi.version;
      }
    }
    if (const CborValue* v = claim.find("dc:title")) out.title = v->text_or_empty();
    if (const CborValue* v = claim.find("dc:format")) out.format = v->text_or_empty();
  }

  static const char* algorithm_name(const CborValue& alg) {
    if (alg.type != CborValue::Type::kNegative) return "";
    switch (alg.number) {  // value = -1 - number
      case 6: return "es256";
      case 34: return "es384";
      case 35: return "es512";
      case 36: return "ps256";
      case 37: return "ps384";
      case 38: return "ps512";
      case 7: return "ed25519";
      default: return "";
    }
  }

  static const CborValue* x5chain_of(const CborValue* header) {
    if (header == nullptr) return nullptr;
    if (const CborValue* v = header->find_int(33)) return v;
    return header->find("x5chain");
  }

  void read_signature(const JumbfBox& box, C2paManifest& out) {
    CborValue cose;
    if (!decode(box, "signature", cose)) return;
    const CborValue& sign1 = cose.untagged();
    if (!sign1.is_array() || sign1.items.size() != 4) {
      error("signature: not a COSE_Sign1 array");
      return;
    }
    CborValue protected_header;
    if (sign1.items[0].type == CborValue::Type::kBytes && !sign1.items[0].bytes.empty()) {
      auto decoded = decode_cbor(reinterpret_cast<const uint8_t*>(sign1.items[0].bytes.data()),
                                 sign1.items[0].bytes.size(), limits_);
      if (decoded.ok()) protected_header = std::move(decoded).value();
      else error("signature: protected header: " + decoded.status().message());
    }
    const CborValue& unprotected = sign1.items[1];
    if (const CborValue* alg = protected_header.find_int(1)) out.signature_algorithm = algorithm_name(*alg);

    const CborValue* chain = x5chain_of(&protected_header);
    if (chain == nullptr) chain = x5chain_of(&unprotected);
    const CborValue* leaf = nullptr;
    if (chain && chain->type == CborValue::Type::kBytes) leaf = chain;
    if (chain && chain->is_array() && !chain->items.empty() &&
        chain->items[0].type == CborValue::Type::kBytes) {
      leaf = &chain->items[0];
    }
    if (leaf) {
      CertificateSubject subject;
      if (read_certificate_subject(ByteView(reinterpret_cast<const uint8_t*>(leaf->bytes.data()),
                                            leaf->bytes.size()),
                                   subject)) {
        out.signer_common_name = subject.common_name;
        out.signer_organization = subject.organization;
        out.signer_serial_number = subject.serial_number;
      } else {
        error("signature: signer certificate unreadable");
      }
    } else {
      error("signature: no x5chain certificate");
    }
    for (const char* key : {"sigTst", "sigTst2"}) {
      const CborValue* tst = unprotected.find(key);
      if (tst == nullptr) tst = protected_header.find(key);
      if (tst == nullptr) continue;
      const CborValue* tokens = tst->find("tstTokens");
      if (tokens == nullptr || !tokens->is_array()) continue;
      for (const auto& token : tokens->items) {
        const CborValue* val = token.find("val");
        if (val == nullptr || val->type != CborValue::Type::kBytes) continue;
        out.signing_time = read_timestamp_token_time(
            ByteView(reinterpret_cast<const uint8_t*>(val->bytes.data()), val->bytes.size()));
        if (!out.signing_time.empty()) return;
      }
    }
  }

  C2paReport& report_;
  CborLimits limits_;
  bool ok_ = true;
};

bool is_manifest(const JumbfBox& box) {
  if (!box.is_superbox) return false;
  const std::string tag = box.uuid_tag();
  return tag == "c2ma" || tag == "c2um";
}

}  // namespace

bool looks_like_c2pa_store(ByteView jumbf) {
  // LBox(4) "jumb" LBox(4) "jumd" UUID: first 4 bytes "c2pa"
  return jumbf.equals_at(4, "jumb") && jumbf.equals_at(12, "jumd") && jumbf.equals_at(16, "c2pa");
}

bool read_c2pa_store(ByteView jumbf, const ProvenanceOptions& options, C2paReport& report) {
  JumbfLimits limits;
  limits.max_depth = options.max_jumbf_depth;
  limits.max_boxes = options.max_jumbf_boxes;
  std::vector<std::string> warnings;
  auto boxes = parse_jumbf(jumbf, limits, warnings);
  bool ok = warnings.empty();
  for (auto& w : warnings) report.parse_errors.push_back(w);
  if (!boxes.ok()) {
    report.parse_errors.push_back(boxes.status().message());
    return false;
  }
  const JumbfBox* store = nullptr;
  for (const auto& box : boxes.value()) {
    if (box.is_superbox && (box.uuid_tag() == "c2pa" || box.label == "c2pa")) {
      store = &box;
      break;
    }
  }
  if (store == nullptr) {
    report.parse_errors.push_back("jumbf: no C2PA manifest store");
    return false;
  }
  report.embedded = true;
  const JumbfBox* active = nullptr;
  for (const auto& child : store->children) {
    if (!is_manifest(child)) continue;
    ++report.manifest_count;
    active = &child;  // the active manifest is the last one in the store
  }
  if (active == nullptr) {
    report.parse_errors.push_back("c2pa: manifest store holds no manifest");
    return false;
  }
  ManifestReader reader(options, report);
  reader.read_manifest(*active, report.active);
  report.has_active = true;
  // The history: every other manifest, read for the tree; a damaged
  // ingredient manifest is reported but does not make the active one partial.
  const size_t kMaxManifests = 256;
  for (const auto& child : store->children) {
    if (!is_manifest(child) || report.manifests.size() >= kMaxManifests) continue;
    if (&child == active) {
      report.manifests.push_back(report.active);
      continue;
    }
    C2paManifest m;
    ManifestReader history(options, report);
    history.read_manifest(child, m);
    report.manifests.push_back(std::move(m));
  }
  return ok && reader.ok();
}

}  // namespace filigrane::provenance
