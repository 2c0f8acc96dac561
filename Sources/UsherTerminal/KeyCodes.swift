import CNCurses
import UsherDashboard

/// Curses key codes as ``Key``s.
enum KeyCodes {
    static func character(_ value: UInt32) -> Key? {
        switch value {
        case 10, 13: return .enter
        case 9: return .tab
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26:
            guard let scalar = UnicodeScalar(value + 96) else { return nil }
            return .control(Character(scalar))
        case 28: return .control("\\")
        default:
            guard value >= 32, let scalar = UnicodeScalar(value) else { return nil }
            return .character(Character(scalar))
        }
    }

    static func special(_ code: Int32) -> Key? {
        for number in 1...12 where code == usher_key_f(Int32(number)) { return .function(number) }
        let table: [(Int32, Key)] = [
            (usher_key_up(), .up), (usher_key_down(), .down), (usher_key_left(), .left), (usher_key_right(), .right),
            (usher_key_ppage(), .pageUp), (usher_key_npage(), .pageDown), (usher_key_home(), .home),
            (usher_key_end(), .end), (usher_key_enter(), .enter), (usher_key_backspace(), .backspace),
            (usher_key_dc(), .delete), (usher_key_btab(), .backTab),
        ]
        return table.first { $0.0 == code }?.1
    }
}
