// The YAML reader lives in its own target so that the signature catalog can be decoded with it without
// the archive layer; code that imports MustardDump keeps seeing `YAMLReader` and `YAMLError` as before.
@_exported import MustardYAML
