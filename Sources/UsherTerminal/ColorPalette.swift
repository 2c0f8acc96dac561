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
            let style = theme.style(slot).fitted(colors: colors)
            var pair: Int16 = 0
            let key = PairKey(foreground: style.foreground ?? -1, background: style.background ?? -1)
            if key.foreground != -1 || key.background != -1 {
                if let existing = allocated[key] {
                    pair = existing
                } else if allocated.count + 1 < min(pairs, Int(Int16.max)) {
                    pair = Int16(allocated.count + 1)
                    init_pair(pair, Int16(key.foreground), Int16(key.background))
                    allocated[key] = pair
                }
            }
            styles[slot] = (Self.attributes(style.attributes), pair)
        }
    }

    func style(_ slot: Slot) -> (attributes: attr_t, pair: Int16) {
        styles[slot] ?? (usher_a_normal(), 0)
    }

    private struct PairKey: Hashable {
        let foreground: Int
        let background: Int
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
