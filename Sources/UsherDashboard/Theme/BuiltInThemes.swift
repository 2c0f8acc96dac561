/// The themes shipped in `themes/*.toml`, compiled into the binary.
public enum BuiltInThemes {
    /// The files, by theme name.
    static let files: [String: [UInt8]] = [
        "default": PackageResources.default_toml,
        "mono": PackageResources.mono_toml,
        "light": PackageResources.light_toml,
        "high-contrast": PackageResources.high_contrast_toml,
    ]

    public static let names = ["default", "light", "mono", "high-contrast"]

    /// The built-in theme `name`, if there is one.
    public static func theme(named name: String) -> Theme? {
        guard let bytes = files[name] else { return nil }
        return try? ThemeFile.parse(String(decoding: bytes, as: UTF8.self), file: "themes/\(name).toml", name: name)
    }
}
