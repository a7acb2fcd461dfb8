import MustardText
/// How much of one text from the dump a report quotes. A condition message or termination message can be
/// megabytes; quoted whole, a few made a report of hundreds of megabytes, and scrubbing costs time in proportion.
public enum QuoteBound {
    /// Scrubbed at most: as much as a log line keeps (`ArchiveLimits.maxLineBytes`).
    public static let scrubbedBytes = 64 << 10
    /// Quoted at most, after scrubbing.
    public static let quotedBytes = 8 << 10

    /// `text` scrubbed of secrets and cut to `quotedBytes`, saying how much was left out.
    public static func scrubbed(_ text: String) -> String {
        shortened(SecretScrubber.scrub(shortened(text, maxBytes: scrubbedBytes)), maxBytes: quotedBytes)
    }

    /// `text` cut at a character boundary within `maxBytes` UTF-8 bytes, saying how much was left out.
    public static func shortened(_ text: String, maxBytes: Int) -> String {
        TextCut.shortened(text, maxBytes: maxBytes)
    }
}
