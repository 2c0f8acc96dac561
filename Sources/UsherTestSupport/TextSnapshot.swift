import Foundation

/// Plain-text snapshots: the expected text lives in `__Snapshots__/NAME.txt` beside the test
/// file. Set `USHER_RECORD_SNAPSHOTS=1` to write (or rewrite) the files from what the tests see,
/// as swift-snapshot-testing's record mode does; a recording run reports every snapshot it wrote
/// as a mismatch so that it is never mistaken for a passing run.
public enum TextSnapshot {
    public enum Result: Equatable, CustomStringConvertible {
        case matches
        case recorded(path: String)
        case missing(path: String)
        case differs(path: String, line: Int, expected: String, actual: String)

        public var description: String {
            switch self {
            case .matches:
                "matches"
            case .recorded(let path):
                "recorded \(path); run again without USHER_RECORD_SNAPSHOTS"
            case .missing(let path):
                "no snapshot at \(path); record it with USHER_RECORD_SNAPSHOTS=1"
            case .differs(let path, let line, let expected, let actual):
                "differs from \(path) at line \(line):\n  expected: \(expected)\n  actual:   \(actual)"
            }
        }
    }

    /// Compares `text` with the snapshot `name` of the test file at `filePath`.
    public static func check(_ text: String, named name: String, filePath: String = #filePath) throws -> Result {
        let folder = (filePath as NSString).deletingLastPathComponent + "/__Snapshots__"
        let path = folder + "/" + name + ".txt"
        if ProcessInfo.processInfo.environment["USHER_RECORD_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return .recorded(path: path)
        }
        guard let expected = try? String(contentsOfFile: path, encoding: .utf8) else { return .missing(path: path) }
        return compare(text, with: expected, path: path)
    }

    /// Compares `text` with the part of the file at `path` between the lines `<!-- NAME -->`
    /// and `<!-- end NAME -->` (a generated section of a manual); records it there in record mode.
    public static func checkSection(_ text: String, named name: String, inFile path: String) throws -> Result {
        let document = try String(contentsOfFile: path, encoding: .utf8)
        let begin = "<!-- \(name) -->\n", end = "<!-- end \(name) -->"
        guard let start = document.range(of: begin), let stop = document.range(of: end, range: start.upperBound..<document.endIndex) else {
            return .missing(path: "\(path) (no \(begin.dropLast()) … \(end) section)")
        }
        let current = String(document[start.upperBound..<stop.lowerBound])
        if ProcessInfo.processInfo.environment["USHER_RECORD_SNAPSHOTS"] == "1" {
            try (document[..<start.upperBound] + text + document[stop.lowerBound...]).write(toFile: path, atomically: true, encoding: .utf8)
            return .recorded(path: path)
        }
        return compare(text, with: current, path: path)
    }

    private static func compare(_ text: String, with expected: String, path: String) -> Result {
        guard expected != text else { return .matches }
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let actualLines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let line = zip(expectedLines, actualLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            ?? min(expectedLines.count, actualLines.count)
        return .differs(
            path: path, line: line + 1,
            expected: expectedLines.indices.contains(line) ? String(expectedLines[line]) : "(end)",
            actual: actualLines.indices.contains(line) ? String(actualLines[line]) : "(end)")
    }
}
