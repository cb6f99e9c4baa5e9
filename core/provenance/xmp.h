// Tolerant XMP scan for the few properties provenance needs. It does not
// build a DOM: it finds a property by local name in either RDF form
// (attribute prop="v", element <p:prop>v</p:prop>, rdf:resource, or the first
// rdf:li of a container) and decodes XML entities. Linear in the packet size.
#pragma once

#include <string>
#include <string_view>

#include "core/provenance/provenance.h"

namespace filigrane::provenance {

// First value of the property whose qualified name ends in ":local_name"
// (any namespace prefix); "" when absent.
std::string find_xmp_property(std::string_view xmp, std::string_view local_name);

// Fills the XMP fields of `out` that are still empty from one packet.
void read_xmp_packet(std::string_view xmp, XmpReport& out);

}  // namespace filigrane::provenance
