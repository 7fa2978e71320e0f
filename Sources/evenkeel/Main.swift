import Balancer
@main struct Main { static func main() {} }
