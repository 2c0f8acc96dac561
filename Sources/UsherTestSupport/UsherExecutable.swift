#if canImport(Glibc)
import Glibc
#endif

/// Finds the `usher` binary that `swift build` placed next to the test bundle.
public enum UsherExecutable {
    public struct Missing: Error, CustomStringConvertible {
        public var path: String
        public var description: String { "no usher binary at \(path); run 'swift build' first" }
    }

    /// The path of `usher` in the build folder of the running tests.
    public static func path() throws -> String {
        let directory = buildDirectory()
        let candidate = directory + "/usher"
        guard access(candidate, X_OK) == 0 else { throw Missing(path: candidate) }
        return candidate
    }

    /// The folder of the running test executable (`.build/<triple>/debug`).
    static func buildDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return "." }
        let path = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }
}
