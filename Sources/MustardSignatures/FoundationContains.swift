import Foundation
import MustardModel

extension String {
    /// Foundation's `contains(_:)`, answered on the bytes wherever that gives the same answer
    /// (`ByteSearch.asciiContains`): for searches run once per statement, log line or finding.
    public func containsLikeFoundation(_ needle: String) -> Bool {
        ByteSearch.asciiContains(self, needle) ?? contains(needle)
    }
}
