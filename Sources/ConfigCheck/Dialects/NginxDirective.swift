import Foundation
import BalancerConfig

/// One nginx directive: its name, arguments and, for a block, the directives inside.
struct NginxDirective: Sendable {
    var name: ConfigToken
    var arguments: [ConfigToken]
    var children: [NginxDirective]?

    var line: Int { name.line }

    /// The directives named `name` directly inside this block.
    func children(named name: String) -> [NginxDirective] { (children ?? []).filter { $0.name.text == name } }
}

/// Reads nginx's configuration syntax into directives: words, `;` ending a simple directive, `{ … }` a block,
/// `#` comments, quotes with backslash escapes.
struct NginxParser {
    let text: String
    let file: String

    private enum Lexeme {
        case word(ConfigToken)
        case open(ConfigToken)
        case close(ConfigToken)
        case end(ConfigToken)
    }

    func parse() throws(ConfigError) -> [NginxDirective] {
        let lexemes = try lex()
        var position = 0
        let directives = try block(lexemes, &position, opening: nil)
        return directives
    }

    private func block(_ lexemes: [Lexeme], _ position: inout Int, opening: ConfigToken?) throws(ConfigError) -> [NginxDirective] {
        var directives: [NginxDirective] = []
        var words: [ConfigToken] = []
        while position < lexemes.count {
            let lexeme = lexemes[position]
            position += 1
            switch lexeme {
            case .word(let token):
                words.append(token)
            case .end(let token):
                guard let name = words.first else {
                    throw .malformed(token.location(in: file), problem: "unexpected ';'; expected a directive name before it")
                }
                directives.append(NginxDirective(name: name, arguments: Array(words.dropFirst()), children: nil))
                words = []
            case .open(let token):
                guard let name = words.first else {
                    throw .malformed(token.location(in: file), problem: "unexpected '{'; expected a block name such as upstream or server before it")
                }
                let children = try block(lexemes, &position, opening: name)
                directives.append(NginxDirective(name: name, arguments: Array(words.dropFirst()), children: children))
                words = []
            case .close(let token):
                if let pending = words.first {
                    throw .malformed(pending.location(in: file), problem: "'\(pending.text)' is not ended; expected ';' before '}'")
                }
                guard opening != nil else {
                    throw .malformed(token.location(in: file), problem: "unexpected '}'; no block is open here")
                }
                return directives
            }
        }
        if let pending = words.first {
            throw .malformed(pending.location(in: file), problem: "'\(pending.text)' is not ended; expected ';' before the end of the file")
        }
        if let opening {
            throw .malformed(
                opening.location(in: file), problem: "the '\(opening.text)' block opened here is not closed; expected '}' before the end of the file")
        }
        return directives
    }

    private func lex() throws(ConfigError) -> [Lexeme] {
        var lexemes: [Lexeme] = []
        var current = ""
        var start: (line: Int, column: Int)?
        var line = 1
        var column = 0
        var quote: (character: Character, line: Int, column: Int)?
        var escaped = false
        var inComment = false
        // `${name}` inside a word is a variable, not a block.
        var inVariableBraces = false
        func finishWord() {
            if let begin = start { lexemes.append(.word(ConfigToken(text: current, line: begin.line, column: begin.column))) }
            current = ""
            start = nil
        }
        for character in text {
            if character == "\n" || character == "\r\n" {
                line += 1
                column = 0
                inComment = false
                if quote != nil { current.append("\n") } else { finishWord() }
                continue
            }
            column += 1
            if inComment { continue }
            if escaped {
                current.append(character)
                escaped = false
                continue
            }
            if let open = quote {
                if character == "\\" {
                    escaped = true
                } else if character == open.character {
                    quote = nil
                } else {
                    current.append(character)
                }
                continue
            }
            let here = ConfigToken(text: String(character), line: line, column: column)
            if character == "{" && current.hasSuffix("$") || character == "}" && inVariableBraces {
                inVariableBraces = character == "{"
                current.append(character)
                continue
            }
            switch character {
            case " ", "\t", "\r":
                finishWord()
            case "#" where start == nil:
                inComment = true
            case ";":
                finishWord()
                lexemes.append(.end(here))
            case "{":
                finishWord()
                lexemes.append(.open(here))
            case "}":
                finishWord()
                lexemes.append(.close(here))
            case "\"", "'":
                if start == nil { start = (line, column) }
                quote = (character, line, column)
            case "\\":
                if start == nil { start = (line, column) }
                escaped = true
            default:
                if start == nil { start = (line, column) }
                current.append(character)
            }
        }
        if let open = quote {
            throw .malformed(
                ConfigLocation(file: file, line: open.line, column: open.column),
                problem: "unterminated quote; expected a closing \(open.character)")
        }
        finishWord()
        return lexemes
    }
}
