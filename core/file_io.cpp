#include "file_io.h"

#include <cstdio>
#include <memory>

namespace filigrane {

Result<std::vector<uint8_t>> read_file(const std::string& path, uint64_t max_bytes) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!f) return NotFound("cannot open " + path);
  if (std::fseek(f.get(), 0, SEEK_END) != 0) return Internal("cannot seek in " + path);
  const long size = std::ftell(f.get());
  if (size < 0) return Internal("cannot tell the size of " + path);
  if (static_cast<uint64_t>(size) > max_bytes) return TooLarge(path + " is larger than the limit");
  std::rewind(f.get());
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  if (size > 0 && std::fread(bytes.data(), 1, bytes.size(), f.get()) != bytes.size()) {
    return Internal("cannot read " + path);
  }
  return bytes;
}

Status write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "wb"), std::fclose);
  if (!f) return Internal("cannot create " + path);
  if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), f.get()) != bytes.size()) {
    return Internal("cannot write " + path);
  }
  if (std::fflush(f.get()) != 0) return Internal("cannot write " + path);
  return Status::Ok();
}

}  // namespace filigrane
