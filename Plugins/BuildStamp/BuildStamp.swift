import Foundation
import PackagePlugin

/// Writes `BuildStamp.swift` before each build of the target it is applied to: the commit the
/// sources were built from (`git describe --always --dirty`), or `unknown` outside a git
/// checkout, so that `usher --version` can say it.
@main
struct BuildStamp: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL
        let package = context.package.directoryURL.path(percentEncoded: false)
        let file = output.appendingPathComponent("BuildStamp.swift").path(percentEncoded: false)
        let script = """
            commit=$(git -C "$1" describe --always --dirty --abbrev=10 2>/dev/null || echo unknown)
            printf '/// Written before each build by the BuildStamp plugin.\\nenum BuildStamp {\\n    /// The commit the sources were built from.\\n    static let commit = "%s"\\n}\\n' "$commit" > "$2.new"
            cmp -s "$2.new" "$2" && rm -f "$2.new" || mv "$2.new" "$2"
            """
        return [
            .prebuildCommand(
                displayName: "Stamping the build with its commit",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", script, "stamp", package, file],
                outputFilesDirectory: output),
        ]
    }
}
