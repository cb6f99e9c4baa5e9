// Just enough DER (X.690) to name a C2PA signer and date a signature: the
// subject of an X.509 certificate and the genTime of an RFC 3161 timestamp
// token. Nothing here validates a certificate or a signature.
#pragma once

#include <string>

#include "core/provenance/bytes.h"

namespace filigrane::provenance {

struct CertificateSubject {
  std::string common_name;    // subject CN (2.5.4.3)
  std::string organization;   // subject O (2.5.4.10)
  std::string serial_number;  // decimal
};

// Reads the subject of a DER X.509 certificate. Returns false (fields left
// empty) when the structure cannot be walked.
bool read_certificate_subject(ByteView certificate, CertificateSubject& out);

// Reads genTime from an RFC 3161 TimeStampToken (CMS SignedData wrapping
// TSTInfo) as "YYYY-MM-DDTHH:MM:SS+00:00". Returns "" when not found.
std::string read_timestamp_token_time(ByteView token);

}  // namespace filigrane::provenance
