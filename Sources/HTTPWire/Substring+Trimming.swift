extension Substring {
    /// The text without leading and trailing spaces and tabs. It walks bytes, not characters: header tokens are
    /// ASCII, and grapheme-by-grapheme iteration cost more than the trim is worth.
    package func trimmingSpaces() -> String {
        let bytes = utf8
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") {
            start = bytes.index(after: start)
        }
        while start < end {
            let last = bytes.index(before: end)
            guard bytes[last] == UInt8(ascii: " ") || bytes[last] == UInt8(ascii: "\t") else { break }
            end = last
        }
        return String(self[start..<end])
    }
}
