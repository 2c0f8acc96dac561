import ArgumentParser
import Foundation
import UsherControl
import UsherWire

/// `--control PATH`: where the daemon's control socket is.
struct ControlOptions: ParsableArguments {
    @Option(
        name: .customLong("control"),
        help: ArgumentHelp(
            "Control socket. (default: $USHER_CONTROL, else $XDG_RUNTIME_DIR/usher/control.sock, else /run/usher/control.sock for root, else /tmp/usher-$UID/control.sock)",
            valueName: "path"))
    var controlPath: String?

    /// The path to use.
    var path: String {
        let environment = ProcessInfo.processInfo.environment
        if let controlPath { return controlPath }
        if let fromEnvironment = environment["USHER_CONTROL"], !fromEnvironment.isEmpty { return fromEnvironment }
        return ControlSocketFile.defaultPath(environment: environment)
    }
}

/// `--json`: machine output instead of tables.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print JSON for scripts instead of text for people.")
    var json = false
}
