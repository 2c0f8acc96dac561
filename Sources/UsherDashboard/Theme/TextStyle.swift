/// Colours and attributes of a slot.
public struct TextStyle: Hashable, Sendable {
    public var foreground: TerminalColor
    public var background: TerminalColor
    public var attributes: TextAttributes

    public init(foreground: TerminalColor = .default, background: TerminalColor = .default, attributes: TextAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    /// The style without colours (what `mono` keeps).
    public var monochrome: TextStyle { TextStyle(attributes: attributes) }
}

/// A terminal colour: the terminal's own, one of the 256 indexed colours (0–15 are the named
/// ones), or a 24-bit colour that backends map to the nearest indexed one.
public enum TerminalColor: Hashable, Sendable {
    case `default`
    case indexed(UInt8)
    case rgb(UInt8, UInt8, UInt8)

    /// The names themes may use, with their index.
    public static let names: [(String, UInt8)] = [
        ("black", 0), ("red", 1), ("green", 2), ("yellow", 3), ("blue", 4), ("magenta", 5), ("cyan", 6),
        ("white", 7), ("bright-black", 8), ("gray", 8), ("grey", 8), ("bright-red", 9), ("bright-green", 10),
        ("bright-yellow", 11), ("bright-blue", 12), ("bright-magenta", 13), ("bright-cyan", 14),
        ("bright-white", 15),
    ]

    /// The nearest of the 256 indexed colours.
    public var index: Int? {
        switch self {
        case .default:
            return nil
        case .indexed(let index):
            return Int(index)
        case .rgb(let red, let green, let blue):
            if red == green, green == blue {
                return red < 8 ? 16 : red > 248 ? 231 : 232 + (Int(red) - 8) / 10
            }
            func level(_ value: UInt8) -> Int { value < 48 ? 0 : value < 115 ? 1 : (Int(value) - 35) / 40 }
            return 16 + 36 * level(red) + 6 * level(green) + level(blue)
        }
    }

    /// The nearest of the 8 basic colours, for terminals with no more.
    public var basicIndex: Int? {
        guard let index else { return nil }
        if index < 16 { return index % 8 }
        if index >= 232 { return index < 244 ? 0 : 7 }
        let cube = index - 16
        let (red, green, blue) = (cube / 36 >= 3 ? 1 : 0, (cube / 6) % 6 >= 3 ? 1 : 0, cube % 6 >= 3 ? 1 : 0)
        return red + 2 * green + 4 * blue
    }
}

/// Text attributes a terminal can show without colour.
public struct TextAttributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = TextAttributes(rawValue: 1 << 0)
    public static let dim = TextAttributes(rawValue: 1 << 1)
    public static let italic = TextAttributes(rawValue: 1 << 2)
    public static let underline = TextAttributes(rawValue: 1 << 3)
    public static let reverse = TextAttributes(rawValue: 1 << 4)
    public static let blink = TextAttributes(rawValue: 1 << 5)

    /// The names themes may use.
    public static let names: [(String, TextAttributes)] = [
        ("bold", .bold), ("dim", .dim), ("italic", .italic), ("underline", .underline),
        ("reverse", .reverse), ("blink", .blink),
    ]
}
