/// The answer to `hello`: who the daemon is and what the caller may do.
public struct WireHello: Hashable, Sendable, Codable {
    /// The protocol version (`1`).
    public var `protocol`: Int
    /// usher's version.
    public var version: String
    public var pid: Int32
    public var uptimeMs: Int64
    /// `operator` (may decide) or `observer` (may read and subscribe).
    public var role: Role
    /// The configuration file SIGHUP reads again, when the daemon runs with one; absent otherwise
    /// (SIGHUP then reads the rules file again).
    public var configurationFile: String?

    enum CodingKeys: String, CodingKey {
        case `protocol`, version, pid, role
        case uptimeMs = "uptime_ms"
        case configurationFile = "configuration_file"
    }

    public init(protocol: Int, version: String, pid: Int32, uptimeMs: Int64, role: Role, configurationFile: String? = nil) {
        self.configurationFile = configurationFile
        self.protocol = `protocol`
        self.version = version
        self.pid = pid
        self.uptimeMs = uptimeMs
        self.role = role
    }
}

/// What a control client may do, from its peer credentials.
public enum Role: String, Hashable, Sendable, Codable {
    /// Same user as the daemon, or root: may decide.
    case `operator`
    /// A member of the `--observers` group: may read and subscribe, not decide.
    case observer
}
