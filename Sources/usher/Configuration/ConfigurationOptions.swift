import ArgumentParser
import Foundation
import UsherRulesFile

/// `--config FILE`: the configuration file of `usher serve` and `usher run`.
struct ConfigurationOptions: ParsableArguments {
    @Option(
        name: .customLong("config"),
        help: ArgumentHelp(
            "Configuration file (TOML): any option as a key in snake case, and [[listener]] tables; options given here win over it. (default: $XDG_CONFIG_HOME/usher/usher.toml, or /etc/usher/usher.toml for root, when it exists)",
            valueName: "file"))
    var path: String?

    /// The file to read: `--config`, else the default path when a file is there; `nil` for none.
    var file: String? {
        if let path { return path }
        let candidate = Self.defaultPath()
        return FileManager.default.fileExists(atPath: candidate) ? candidate : nil
    }

    /// `$XDG_CONFIG_HOME/usher/usher.toml` (`~/.config/usher/usher.toml`), or
    /// `/etc/usher/usher.toml` for root.
    static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if getuid() == 0 { return "/etc/usher/usher.toml" }
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((environment["HOME"] ?? "") + "/.config")
        return base + "/usher/usher.toml"
    }
}
