/// One problem in a rules file, where it is: `rules.toml:12:8: bad CIDR …`.
public struct RulesFileError: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `FILE:LINE:COL: message`, as compilers write it, so editors can jump there.
    public var description: String { "\(file):\(line):\(column): \(message)" }
}

/// Every problem found in a rules file, in the order of the file.
public struct RulesFileErrors: Error, Hashable, Sendable, CustomStringConvertible {
    public var errors: [RulesFileError]

    public init(_ errors: [RulesFileError]) {
        self.errors = errors.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
    }

    /// One line per problem.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
