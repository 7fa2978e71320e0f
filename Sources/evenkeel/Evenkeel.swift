@main struct Evenkeel { static func main() {} }
