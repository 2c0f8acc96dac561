/// A ``TextStyle`` as a terminal with a given number of colours can show it: indexed colours
/// (`nil` for the terminal's own) and attributes, ready for a backend.
///
/// Colours the terminal lacks map to the nearest it has. Where that would make text vanish or
/// turn black on the terminal's own background (a grey on 8 colours becomes black or white), the
/// text keeps the terminal's own colour and is drawn dim instead: secondary text stays
/// secondary and readable on dark and light backgrounds alike. A terminal without colours
/// shows a coloured background as reverse video.
public struct FittedStyle: Hashable, Sendable {
    public var foreground: Int?
    public var background: Int?
    public var attributes: TextAttributes

    public init(foreground: Int?, background: Int?, attributes: TextAttributes) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }
}

extension TextStyle {
    /// This style on a terminal with `colors` colours (0 for none).
    public func fitted(colors: Int) -> FittedStyle {
        guard colors >= 8 else {
            let reverse = background != .default && attributes.isEmpty
            return FittedStyle(foreground: nil, background: nil, attributes: reverse ? [.reverse] : attributes)
        }
        var result = FittedStyle(
            foreground: Self.fit(foreground, colors: colors), background: Self.fit(background, colors: colors),
            attributes: attributes)
        if result.background == nil, let fitted = result.foreground, let wanted = foreground.index {
            let grey = wanted != fitted && (fitted == 0 || fitted == 7)
            if grey || fitted == 0 {
                result.foreground = nil
                if grey { result.attributes.insert(.dim) }
            }
        }
        if let shown = result.foreground, shown == result.background {
            result = FittedStyle(foreground: nil, background: nil, attributes: attributes.union(.reverse))
        }
        return result
    }

    private static func fit(_ color: TerminalColor, colors: Int) -> Int? {
        guard let index = color.index else { return nil }
        return index < colors ? index : color.basicIndex
    }
}
