import ArgumentParser
import UsherCore
import UsherRulesFile

extension ParsableCommand {
    /// This command as the configuration file and the command line make it together (the
    /// command line winning), and the file's `[[listener]]` tables; itself when there is no file.
    /// A bad file is a usage error that lists every problem as `FILE:LINE:COL`.
    /// This command's arguments on this process's command line (those after its name).
    static var givenArguments: [String] {
        let name = configuration.commandName ?? _commandName
        return Array(CommandLine.arguments.dropFirst().drop { $0 != name }.dropFirst())
    }

    func applyingConfiguration(_ options: ConfigurationOptions) throws -> (Self, [ListenerTableOptions]) {
        guard let path = options.file else { return (self, []) }
        let file = try Config.load(path)
        do {
            let (arguments, listeners) = try ConfigurationLoader<Self>(file: file).apply(commandLine: Self.givenArguments)
            return (try Self.parse(arguments), listeners)
        } catch let errors as RulesFileErrors {
            throw CommandFailure(errors.description, code: .usage)
        } catch {
            throw CommandFailure("\(path): \(Self.message(for: error))", code: .usage)
        }
    }
}
