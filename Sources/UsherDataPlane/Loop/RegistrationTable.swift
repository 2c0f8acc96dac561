/// What the loop knows of a registered descriptor: who handles its events, with which tag, and
/// the number of this registration (in the epoll data beside the descriptor).
struct Registration {
    let handler: any ReadinessHandler
    let tag: Int
    let number: UInt32
}

/// The loop's registrations by descriptor, in an array indexed by the descriptor: the kernel
/// hands out the lowest free numbers, so the table stays as long as the most descriptors open
/// at once, and the look-up each event needs is an index, not a hash.
struct RegistrationTable {
    private var slots: [Registration?] = []
    /// Descriptors registered now.
    private(set) var count = 0

    subscript(descriptor: Int32) -> Registration? {
        get {
            let index = Int(descriptor)
            return index >= 0 && index < slots.count ? slots[index] : nil
        }
        set {
            let index = Int(descriptor)
            guard index >= 0 else { return }
            if index >= slots.count {
                guard newValue != nil else { return }
                slots.append(contentsOf: repeatElement(nil, count: max(index + 1, slots.count * 2) - slots.count))
            }
            count += (newValue == nil ? 0 : 1) - (slots[index] == nil ? 0 : 1)
            slots[index] = newValue
        }
    }
}
