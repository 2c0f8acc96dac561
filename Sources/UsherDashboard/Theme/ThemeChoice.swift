import Foundation

/// Which theme and line drawing a terminal gets, from `--theme`, `--ascii` and the environment.
public struct ThemeChoice: Sendable {
    public var theme: Theme
    public var lineDrawing: LineDrawing

    public init(theme: Theme, lineDrawing: LineDrawing) {
        self.theme = theme
        self.lineDrawing = lineDrawing
    }

    /// Resolves `--theme NAME|PATH`: a path (it contains `/` or ends in `.toml`) is read as a
    /// file; a name is a built-in theme. `NO_COLOR` (any value) and `TERM=dumb` force `mono`
    /// colours; line drawing is ASCII when `ascii` is set, `TERM` is `dumb`/`linux`-less of
    /// UTF-8, or the locale is not UTF-8.
    public static func resolve(
        _ requested: String?, ascii: Bool, environment: [String: String], localeIsUTF8: Bool
    ) throws(ThemeError) -> ThemeChoice {
        let theme = adjusted(try load(requested ?? "default"), environment: environment)
        let term = environment["TERM"] ?? ""
        let drawing: LineDrawing = ascii || !localeIsUTF8 || term == "dumb" ? .ascii : .unicode
        return ThemeChoice(theme: theme, lineDrawing: drawing)
    }

    /// `theme` as this environment lets it show: `mono` under `NO_COLOR` or `TERM=dumb`.
    public static func adjusted(_ theme: Theme, environment: [String: String]) -> Theme {
        guard environment["NO_COLOR"] != nil || environment["TERM"] == "dumb", !theme.isMonochrome else { return theme }
        return BuiltInThemes.theme(named: "mono") ?? theme.monochrome
    }

    /// A built-in theme by name, or a theme file by path.
    public static func load(_ nameOrPath: String) throws(ThemeError) -> Theme {
        if !nameOrPath.contains("/") && !nameOrPath.hasSuffix(".toml") {
            guard let theme = BuiltInThemes.theme(named: nameOrPath) else {
                throw ThemeError(
                    file: nameOrPath,
                    problem: "no built-in theme by that name; use one of \(BuiltInThemes.names.joined(separator: ", ")) or a path to a .toml file")
            }
            return theme
        }
        let text: String
        do {
            text = try String(contentsOfFile: nameOrPath, encoding: .utf8)
        } catch {
            throw ThemeError(file: nameOrPath, problem: "cannot read the theme file (\(Self.reason(error)))")
        }
        let name = ((nameOrPath as NSString).lastPathComponent as NSString).deletingPathExtension
        return try ThemeFile.parse(text, file: nameOrPath, name: name)
    }

    private static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSCocoaErrorDomain, nsError.code == NSFileReadNoSuchFileError { return "no such file" }
        if nsError.domain == NSCocoaErrorDomain, nsError.code == NSFileReadInapplicableStringEncodingError { return "not UTF-8 text" }
        return nsError.localizedDescription
    }
}
