/// A complete mapping of ``Slot``s to ``TextStyle``s, with the name it was loaded under.
public struct Theme: Hashable, Sendable {
    public var name: String
    public var description: String
    private var styles: [Slot: TextStyle]

    public init(name: String, description: String = "", styles: [Slot: TextStyle]) {
        self.name = name
        self.description = description
        self.styles = styles
    }

    /// The style of `slot`, following fallbacks for slots the theme leaves out.
    public func style(_ slot: Slot) -> TextStyle {
        var current: Slot? = slot
        while let candidate = current {
            if let style = styles[candidate] { return style }
            current = candidate.fallback
        }
        return TextStyle()
    }

    /// The theme without colours: attributes only (for `NO_COLOR`, `TERM=dumb`).
    public var monochrome: Theme {
        Theme(name: name, description: description, styles: styles.mapValues(\.monochrome))
    }

    /// True when no slot has a colour.
    public var isMonochrome: Bool {
        styles.values.allSatisfy { $0.foreground == .default && $0.background == .default }
    }
}
