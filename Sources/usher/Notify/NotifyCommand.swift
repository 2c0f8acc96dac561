import Foundation

/// The command `--notify` runs: words as a shell would split them (spaces separate, quotes and
/// backslashes keep them together), but no shell: `--notify 'sh -c "…"'` when one is wanted.
struct NotifyCommand: Hashable, Sendable {
    /// The program and its arguments.
    var words: [String]

    /// Why a command could not be read.
    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    init(_ text: String) throws(ParseError) {
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in text {
            if escaped {
                word.append(character)
                escaped = false
            } else if character == "\\" && quote != "'" {
                escaped = true
                inWord = true
            } else if let open = quote {
                if character == open { quote = nil } else { word.append(character) }
            } else if character == "'" || character == "\"" {
                quote = character
                inWord = true
            } else if character.isWhitespace {
                if inWord { words.append(word) }
                word = ""
                inWord = false
            } else {
                word.append(character)
                inWord = true
            }
        }
        if escaped { throw ParseError(description: "'\(text)' ends with a backslash") }
        if let quote { throw ParseError(description: "'\(text)' has an unclosed \(quote)") }
        if inWord { words.append(word) }
        guard !words.isEmpty else { throw ParseError(description: "the command is empty") }
        self.words = words
    }

    /// The program's path: as given when it has a slash, else found on `PATH`.
    func executable(path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        let program = words[0]
        if program.contains("/") { return FileManager.default.isExecutableFile(atPath: program) ? program : nil }
        for folder in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(folder)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// At most `count` runs per `period`.
struct NotifyRate: Hashable, Sendable {
    var count: Int
    var period: Duration

    /// `1/5s`, `10/1m`.
    init(_ text: String) throws {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard parts.count == 2, let count = Int(parts[0]), count > 0 else {
            throw NotifyCommand.ParseError(description: "'\(text)' is not a rate; write RUNS/DURATION: 1/5s, 10/1m")
        }
        self.count = count
        self.period = try ArgumentParsing.duration(String(parts[1]))
    }

    init(count: Int, period: Duration) {
        self.count = count
        self.period = period
    }
}
