#if canImport(Glibc)
import Glibc
#endif

/// A private folder for one test, removed with everything in it when the test ends.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init(prefix: String = "usher-test") throws {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.flatMap { mkdtemp($0) }
        }
        guard let created else {
            throw TCPClientError.failed("mkdtemp", errno: errno)
        }
        path = String(cString: created)
    }

    deinit {
        remove(path)
    }

    private func remove(_ path: String) {
        if let directory = opendir(path) {
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name == "." || name == ".." { continue }
                let child = path + "/" + name
                if entry.pointee.d_type == UInt8(DT_DIR) { remove(child) } else { unlink(child) }
            }
            closedir(directory)
        }
        rmdir(path)
    }
}
