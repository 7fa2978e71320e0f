import Foundation
import BalancerConfig

/// Splits HAProxy configuration lines into words: whitespace separates, `#` starts a comment, double quotes
/// allow escapes, single quotes are literal, a backslash escapes the next character.
enum HAProxyLexer {
    /// The words of each line that has any, with 1-based line and column numbers.
    static func lines(of text: String, file: String) throws(ConfigError) -> [[ConfigToken]] {
        var result: [[ConfigToken]] = []
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var tokens: [ConfigToken] = []
            var current = ""
            var startColumn = 0
            var inWord = false
            var quote: Character?
            var quoteColumn = 0
            var escaped = false
            var column = 0
            func finish() {
                if inWord { tokens.append(ConfigToken(text: current, line: lineNumber, column: startColumn)) }
                current = ""
                inWord = false
            }
            for character in rawLine where character != "\r" {
                column += 1
                if escaped {
                    current.append(character)
                    escaped = false
                    continue
                }
                if let open = quote {
                    if character == open {
                        quote = nil
                    } else if character == "\\" && open == "\"" {
                        escaped = true
                    } else {
                        current.append(character)
                    }
                    continue
                }
                switch character {
                case " ", "\t":
                    finish()
                case "#":
                    finish()
                    break
                case "\\":
                    if !inWord { inWord = true; startColumn = column }
                    escaped = true
                case "\"", "'":
                    if !inWord { inWord = true; startColumn = column }
                    quote = character
                    quoteColumn = column
                default:
                    if !inWord { inWord = true; startColumn = column }
                    current.append(character)
                }
                if character == "#" { break }
            }
            if quote != nil {
                throw .malformed(
                    ConfigLocation(file: file, line: lineNumber, column: quoteColumn),
                    problem: "unterminated quote; expected a closing \(quote!) on the same line")
            }
            finish()
            if !tokens.isEmpty { result.append(tokens) }
        }
        return result
    }
}
