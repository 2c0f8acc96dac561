/// A key press or mouse click, as a terminal backend reads it.
public enum Key: Hashable, Sendable {
    case character(Character)
    case enter, escape, tab, backTab, backspace, delete
    case up, down, left, right, pageUp, pageDown, home, end
    /// F1…F12.
    case function(Int)
    /// A click of the left button at a cell.
    case click(x: Int, y: Int)
    case scrollUp, scrollDown
    /// Ctrl with a letter (`.control("l")` for Ctrl-L).
    case control(Character)
}
