/// A rule's explanation: its sentences in order, the nil ones (facts the diagnosis does not have) left out, one space
/// between them. Message templates (`<Rule>.Message`, one file per rule in this folder) build their text with it
/// instead of appending to a string.
func prose(_ sentences: String?...) -> String {
    sentences.compactMap { $0 }.joined(separator: " ")
}
