/// Splits what a person typed into search words, the same way for every store.
public enum SearchText {
    /// Lower-cased words of letters and digits (plus `+` and `#`, for "c++" and "c#"), at most 8 of them.
    public static func terms(in text: String) -> [String] {
        var terms: [String] = []
        var current = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber || character == "+" || character == "#" {
                current.append(character)
            } else if !current.isEmpty {
                terms.append(current)
                current = ""
            }
        }
        if !current.isEmpty { terms.append(current) }
        return Array(terms.prefix(8))
    }
}
