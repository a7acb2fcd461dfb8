/// A container image reference split into registry, organisation, repository, tag and digest.
///
/// `quay.io/konveyor/velero-restic-restore-helper:release-1.7.13` → registry `quay.io`, organisation `konveyor`,
/// repository `velero-restic-restore-helper`, tag `release-1.7.13`.
public struct ImageReference: Sendable, Hashable, CustomStringConvertible {
    public let registry: String
    public let organisation: String
    public let repository: String
    public let tag: String?
    public let digest: String?
    public let description: String

    public init(_ text: String) {
        description = text
        var rest = Substring(text)
        if let at = rest.firstIndex(of: "@") {
            digest = String(rest[rest.index(after: at)...])
            rest = rest[..<at]
        } else {
            digest = nil
        }
        var parts = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        // A first part with a dot, a colon or `localhost` is a registry host (Docker's rule).
        if parts.count > 1, let first = parts.first, first.contains(".") || first.contains(":") || first == "localhost" {
            registry = first
            parts.removeFirst()
        } else {
            registry = "docker.io"
        }
        var last = parts.popLast() ?? ""
        if let colon = last.lastIndex(of: ":") {
            tag = String(last[last.index(after: colon)...])
            last = String(last[..<colon])
        } else {
            tag = nil
        }
        repository = last
        organisation = parts.joined(separator: "/")
    }
}
