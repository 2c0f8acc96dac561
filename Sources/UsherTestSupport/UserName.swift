#if canImport(Glibc)
import Glibc
#endif

/// The user running the tests, as usher names operators.
public enum UserName {
    public static var current: String {
        guard let entry = getpwuid(getuid()), let name = entry.pointee.pw_name else { return "uid \(getuid())" }
        return String(cString: name)
    }
}
