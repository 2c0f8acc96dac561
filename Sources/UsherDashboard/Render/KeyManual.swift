/// The Keys and Commands sections of the manual (`docs/usher-dashboard.md`), written from the
/// action registry so that the manual, the help overlay, the function bar and the `:` command
/// line never disagree. A test keeps the manual equal to this text.
public enum KeyManual {
    /// The sections as Markdown.
    public static func markdown(_ keyMap: KeyMap = .standard) -> String {
        var lines = ["| key | F-key | `:` command | does |", "|---|---|---|---|"]
        for binding in keyMap.bindings where !binding.keys.isEmpty && !HelpOverlay.movement.contains(binding.command) {
            let function = keyMap.functionKey(of: binding.command).map { "F\($0)" } ?? ""
            lines.append("| \(keys(binding)) | \(function) | \(command(binding)) | \(does(binding)) |")
        }
        let movement = keyMap.bindings.filter { HelpOverlay.movement.contains($0.command) && $0.command != .redraw }
        lines.append("| \(movement.map { "`\($0.label)`" }.joined(separator: " ")) | | | move the selection (in the event log its cursor, in the detail its scroll); the mouse wheel scrolls, a click selects the row under the pointer |")
        if let redraw = keyMap.bindings.first(where: { $0.command == .redraw }) {
            lines.append("| `\(redraw.label)` | | \(command(redraw)) | \(does(redraw)) |")
        }
        lines.append("")
        lines.append("Commands without a key:")
        lines.append("")
        for binding in keyMap.bindings where binding.keys.isEmpty {
            lines.append("- \(command(binding)): \(does(binding))")
        }
        lines.append("")
        lines.append("`TARGET` is `\(KeyMap.target)`; with none, a decision takes the tagged requests, else the selected one.")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func keys(_ binding: KeyMap.Binding) -> String {
        let characters = binding.keys.compactMap { key -> String? in
            if case .character(let character) = key { return character == " " ? "Space" : String(character) }
            return nil
        }
        let names = characters.isEmpty ? [binding.label] : characters
        return names.map { "`\($0 == "|" ? "\\|" : $0)`" }.joined(separator: " ")
    }

    private static func command(_ binding: KeyMap.Binding) -> String {
        guard let name = binding.name else { return "" }
        let arguments = binding.arguments.isEmpty ? "" : " " + binding.arguments
        return "`:\(name)\(arguments)`".replacingOccurrences(of: "|", with: "\\|")
    }

    private static func does(_ binding: KeyMap.Binding) -> String {
        let help = binding.help.prefix(1).uppercased() + binding.help.dropFirst()
        var text = binding.details.isEmpty ? help : help + ". " + binding.details
        if !text.hasSuffix(".") { text += "." }
        return text.replacingOccurrences(of: "|", with: "\\|")
    }
}
