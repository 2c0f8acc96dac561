import CNCurses
import UsherDashboard

/// Curses attributes and colour pairs for each slot of a theme, made once per theme: colours
/// the terminal cannot show are mapped to the nearest it can, and a terminal without colours
/// gets the attributes only.
struct ColorPalette {
    private var styles: [Slot: (attributes: attr_t, pair: Int16)] = [:]

    init(theme: Theme, colors: Int, pairs: Int) {
        var allocated: [PairKey: Int16] = [:]
        for slot in Slot.allCases {
            let style = theme.style(slot)
            var attributes = Self.attributes(style.attributes)
            var pair: Int16 = 0
            if colors >= 8 {
                let key = PairKey(foreground: Self.color(style.foreground, colors: colors), background: Self.color(style.background, colors: colors))
                if key.foreground != -1 || key.background != -1 {
                    if let existing = allocated[key] {
                        pair = existing
                    } else if allocated.count + 1 < min(pairs, Int(Int16.max)) {
                        pair = Int16(allocated.count + 1)
                        init_pair(pair, Int16(key.foreground), Int16(key.background))
                        allocated[key] = pair
                    }
                }
            } else if style.background != .default && style.attributes.isEmpty {
                attributes |= usher_a_reverse()
            }
            styles[slot] = (attributes, pair)
        }
    }

    func style(_ slot: Slot) -> (attributes: attr_t, pair: Int16) {
        styles[slot] ?? (usher_a_normal(), 0)
    }

    private struct PairKey: Hashable {
        let foreground: Int
        let background: Int
    }

    private static func color(_ color: TerminalColor, colors: Int) -> Int {
        guard let index = color.index else { return -1 }
        if index < colors { return index }
        return color.basicIndex ?? -1
    }

    private static func attributes(_ attributes: TextAttributes) -> attr_t {
        var result = usher_a_normal()
        if attributes.contains(.bold) { result |= usher_a_bold() }
        if attributes.contains(.dim) { result |= usher_a_dim() }
        if attributes.contains(.italic) { result |= usher_a_italic() }
        if attributes.contains(.underline) { result |= usher_a_underline() }
        if attributes.contains(.reverse) { result |= usher_a_reverse() }
        if attributes.contains(.blink) { result |= usher_a_blink() }
        return result
    }
}
