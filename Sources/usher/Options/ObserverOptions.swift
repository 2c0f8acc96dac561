import ArgumentParser
import UsherControl

/// `--observers GROUP`: who may watch through the control socket without deciding.
struct ObserverOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Group whose members may use the control socket read-only (ls, listeners, watch), not decide.",
            valueName: "group"),
        transform: ObserverOptions.group)
    var observers: ObserverGroup?

    static func group(_ text: String) throws -> ObserverGroup {
        guard let group = ObserverGroup.lookUp(text) else {
            throw ValidationError("no group named '\(text)' on this system")
        }
        return group
    }
}
