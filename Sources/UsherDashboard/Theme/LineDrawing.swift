/// The characters of borders, gauges, sparklines and markers: Unicode where the terminal speaks
/// UTF-8, ASCII elsewhere.
public struct LineDrawing: Hashable, Sendable {
    public var horizontal: Character
    public var vertical: Character
    public var topLeft: Character
    public var topRight: Character
    public var bottomLeft: Character
    public var bottomRight: Character
    public var teeLeft: Character
    public var teeRight: Character
    public var teeDown: Character
    public var teeUp: Character
    public var gaugeFull: Character
    public var gaugeEmpty: Character
    /// Sparkline levels, lowest first.
    public var levels: [Character]
    public var selected: Character
    public var tagged: Character
    public var check: String
    public var cross: String
    public var ellipsis: Character
    public var enterKey: String
    public var spaceKey: String
    /// The arrow keys, as hints name them.
    public var upDown: String
    /// Rows above the view.
    public var above: String

    public static let unicode = LineDrawing(
        horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        teeLeft: "├", teeRight: "┤", teeDown: "┬", teeUp: "┴", gaugeFull: "█", gaugeEmpty: "░",
        levels: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"], selected: "▶", tagged: "*", check: "✓", cross: "✗",
        ellipsis: "…", enterKey: "⏎", spaceKey: "␣", upDown: "↑↓", above: "↑")

    public static let ascii = LineDrawing(
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        teeLeft: "+", teeRight: "+", teeDown: "+", teeUp: "+", gaugeFull: "#", gaugeEmpty: ".",
        levels: ["_", ".", ":", "-", "=", "+", "*", "#"], selected: ">", tagged: "*", check: "ok", cross: "X",
        ellipsis: "~", enterKey: "Enter", spaceKey: "Space", upDown: "Up/Down", above: "above")
}
