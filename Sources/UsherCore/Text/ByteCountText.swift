/// A number of bytes for people, in binary units: `46 B`, `1.5 KiB`, `3.2 MiB`, `1.1 GiB`.
public enum ByteCountText {
    public static func format(_ count: Int) -> String {
        let units = ["KiB", "MiB", "GiB", "TiB"]
        guard count >= 1024 else { return "\(count) B" }
        var value = Double(count)
        var unit = -1
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        let tenths = (value * 10).rounded() / 10
        let text = tenths >= 100 || tenths == tenths.rounded() ? "\(Int(tenths.rounded()))" : "\(tenths)"
        return "\(text) \(units[unit])"
    }
}
