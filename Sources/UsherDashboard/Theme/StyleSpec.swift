/// Reads a style as themes write it: attributes and colours in words, the background after
/// `on`: `"bold white on blue"`, `"reverse"`, `"yellow"`, `"#ff8800 on 236"`, `"default"`.
enum StyleSpec {
    static func parse(_ text: String) throws(StyleSpecError) -> TextStyle {
        var style = TextStyle()
        var readingBackground = false
        var sawForeground = false
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).map { $0.lowercased() }
        for word in words {
            if word == "on" {
                guard !readingBackground else { throw .misplacedOn }
                readingBackground = true
                continue
            }
            if let attribute = TextAttributes.names.first(where: { $0.0 == word })?.1 {
                style.attributes.insert(attribute)
                continue
            }
            guard let color = color(word) else { throw .unknownWord(word) }
            if readingBackground {
                style.background = color
            } else {
                guard !sawForeground else { throw .twoColours(word) }
                style.foreground = color
                sawForeground = true
            }
        }
        if readingBackground && style.background == .default && !words.contains("default") { throw .missingBackground }
        return style
    }

    static func color(_ word: String) -> TerminalColor? {
        if word == "default" || word == "none" { return .default }
        if let named = TerminalColor.names.first(where: { $0.0 == word }) { return .indexed(named.1) }
        if let index = UInt8(word) { return .indexed(index) }
        if word.hasPrefix("#"), word.count == 7, let value = UInt32(word.dropFirst(), radix: 16) {
            return .rgb(UInt8(value >> 16), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF))
        }
        return nil
    }
}

/// What is wrong with a style text.
enum StyleSpecError: Error, Hashable, CustomStringConvertible {
    case unknownWord(String)
    case twoColours(String)
    case misplacedOn
    case missingBackground

    var description: String {
        switch self {
        case .unknownWord(let word):
            "'\(word)' is neither a colour nor an attribute; colours: default, black, red, green, yellow, blue, magenta, cyan, white, bright-NAME, 0-255 or #rrggbb; attributes: bold, dim, italic, underline, reverse, blink"
        case .twoColours(let word):
            "'\(word)' is a second foreground colour; write the background after 'on', as in \"white on blue\""
        case .misplacedOn:
            "'on' appears twice; write \"FOREGROUND on BACKGROUND\""
        case .missingBackground:
            "'on' must be followed by a background colour"
        }
    }
}
