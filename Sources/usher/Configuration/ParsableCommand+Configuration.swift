import ArgumentParser
import UsherCore
import UsherRulesFile

extension ParsableCommand {
    /// This command's arguments on this process's command line (those after its name).
    static var givenArguments: [String] {
        let name = configuration.commandName ?? _commandName
        return Array(CommandLine.arguments.dropFirst().drop { $0 != name }.dropFirst())
    }

    /// This command as the configuration file and the command line make it together (the
    /// command line winning), and the file's `[[listener]]` tables; itself when there is no file.
    /// A bad file is a usage error that lists every problem as `FILE:LINE:COL`.
    func applyingConfiguration(_ options: ConfigurationOptions) throws -> (Self, [ListenerTableOptions]) {
        guard let path = options.file else { return (self, []) }
        return try Self.configured(by: try Config.load(path))
    }

    /// The command `file` and this process's command line make together, and the file's
    /// `[[listener]]` tables (at start, and each time the file is read again).
    static func configured(by file: ConfigurationFile) throws -> (Self, [ListenerTableOptions]) {
        do {
            let (arguments, listeners) = try ConfigurationLoader<Self>(file: file).apply(commandLine: givenArguments)
            return (try parse(arguments), listeners)
        } catch let errors as RulesFileErrors {
            throw CommandFailure(errors.description, code: .usage)
        } catch {
            throw CommandFailure("\(file.path): \(message(for: error))", code: .usage)
        }
    }
}
