import ArgumentParser
import UsherCore
import UsherRulesFile

/// Applies a configuration file under a command line: each top-level key becomes its option
/// (`pending_timeout = "60s"` is `--pending-timeout 60s`), placed before the command line's own
/// arguments and left out when the command line sets that option itself; each `[[listener]]`
/// becomes listeners of their own. Every bad key or value is reported as `FILE:LINE:COL`.
struct ConfigurationLoader<Command: ParsableArguments> {
    let file: ConfigurationFile

    /// The options a command takes, by key (`pending_timeout`), from its help.
    static var keys: [String] {
        Command.helpMessage(columns: 10_000).split(separator: "\n").compactMap { line in
            guard line.hasPrefix("  --") else { return nil }
            let flag = line.dropFirst(4).prefix { $0 != " " && $0 != "," && $0 != "=" }
            return ["help", "version", "config"].contains(String(flag)) ? nil : String(flag).replacing("-", with: "_")
        }
    }

    /// Every problem of the file for `Command`: unknown keys, values the options refuse, bad
    /// `[[listener]]` tables.
    func problems() -> [RulesFileError] {
        let known = Self.keys
        var errors = file.problems
        for setting in file.settings {
            guard known.contains(setting.key) else {
                errors.append(file.error(setting, "unknown key '\(setting.key)'\(ConfigurationFile.hint(for: setting.key, in: known + ["listener"]))"))
                continue
            }
            do {
                _ = try Command.parse(Self.arguments(for: setting))
            } catch {
                errors.append(file.error(setting, Self.message(of: error, key: setting.key)))
            }
        }
        for listener in file.listeners {
            errors += problems(of: listener)
        }
        return errors + duplicateAddresses()
    }

    /// A listen address named twice (at the top level or in `[[listener]]` tables): the second
    /// one could not be bound.
    private func duplicateAddresses() -> [RulesFileError] {
        var seen: [String: Int] = [:]
        var errors: [RulesFileError] = []
        let all = file.settings.map { ($0, 0) } + file.listeners.flatMap { table in table.settings.map { ($0, table.line) } }
        for (setting, _) in all where setting.key == "listen" {
            for address in setting.value.arguments where address != "systemd" && !address.hasPrefix("fd:") && !address.hasSuffix(":0") {
                if let line = seen[address] {
                    errors.append(file.error(setting, "listen address \(address) is already a listener (line \(line))"))
                } else {
                    seen[address] = setting.line
                }
            }
        }
        return errors
    }

    private func problems(of listener: ConfigurationFile.Listener) -> [RulesFileError] {
        var errors: [RulesFileError] = []
        for setting in listener.settings {
            guard ListenerTableOptions.keys.contains(setting.key) else {
                errors.append(file.error(setting, "unknown key '\(setting.key)' in a [[listener]]\(ConfigurationFile.hint(for: setting.key, in: ListenerTableOptions.keys)); it takes \(ListenerTableOptions.keys.joined(separator: ", "))"))
                continue
            }
            do {
                var options = try ListenerTableOptions.parse(Self.arguments(for: setting) + ["--listen", "127.0.0.1:0"])
                try options.validate()
            } catch {
                errors.append(file.error(setting, Self.message(of: error, key: setting.key)))
            }
        }
        if errors.isEmpty {
            do {
                _ = try ListenerTableOptions.parse(listener.settings.flatMap(Self.arguments(for:)))
            } catch {
                errors.append(file.error(listener, Self.message(of: error, key: nil)))
            }
        }
        return errors
    }

    /// The command line with the file's settings before it, and the file's `[[listener]]` tables.
    func apply(commandLine: [String]) throws(RulesFileErrors) -> (arguments: [String], listeners: [ListenerTableOptions]) {
        let problems = problems()
        guard problems.isEmpty else { throw RulesFileErrors(problems) }
        let given = Set(commandLine.compactMap { argument -> String? in
            guard argument.hasPrefix("--") else { return nil }
            return String(argument.dropFirst(2).prefix { $0 != "=" }).replacing("-", with: "_")
        })
        let fromFile = file.settings.filter { !given.contains($0.key) }.flatMap(Self.arguments(for:))
        var tables: [ListenerTableOptions] = []
        for table in file.listeners {
            do {
                tables.append(try ListenerTableOptions.parse(table.settings.flatMap(Self.arguments(for:))))
            } catch {
                throw RulesFileErrors([file.error(table, Self.message(of: error, key: nil))])
            }
        }
        return (fromFile + commandLine, tables)
    }

    /// `--pending-timeout=60s`, `--listen=a --listen=b`, `--metrics-host` (or nothing for false):
    /// with `=`, so that a value starting with `-` is not read as an option.
    static func arguments(for setting: ConfigurationFile.Setting) -> [String] {
        let flag = "--" + setting.key.replacing("_", with: "-")
        switch setting.value {
        case .flag(let on): return on ? [flag] : []
        default: return setting.value.arguments.map { flag + "=" + $0 }
        }
    }

    /// What ArgumentParser said, without its usage lines, in the file's terms.
    static func message(of error: any Error, key: String?) -> String {
        let text = Command.message(for: error)
        let first = text.split(separator: "\n").first.map(String.init) ?? text
        guard let key else { return first }
        return first.replacing("'--\(key.replacing("_", with: "-"))", with: "'\(key)").replacing("--\(key.replacing("_", with: "-"))", with: key)
    }
}
