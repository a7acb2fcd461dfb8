/// Text from the dump cut to a size before it is kept or quoted: names (`NameBound`) and quoted texts (`QuoteBound`)
/// share this one cut. Its own target because the archive layer and the model both need it and neither may
/// depend on the other.
public enum TextCut {
    /// `text` cut at a character boundary within `maxBytes` UTF-8 bytes, saying how much was left out.
    public static func shortened(_ text: String, maxBytes: Int) -> String {
        let total = text.utf8.count
        guard total > maxBytes else { return text }
        var kept = ""
        var used = 0
        for c in text {
            let n = c.utf8.count
            if used + n > maxBytes { break }
            kept.append(c)
            used += n
        }
        return kept + "… (\(total - used) more bytes)"
    }
}
