import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore

/// The pages people use: search, job pages, login and sign-up, the employer dashboard and the seeker's applications.
/// Plain HTML forms; no JavaScript is needed.
struct PagesController {
    let service: JobBoardService
    let pages: PageRenderer
    let loginLimiter: RateLimiter?
    let registrationLimiter: RateLimiter?
    let postingLimiter: RateLimiter?
    let applyingLimiter: RateLimiter?

    func addRoutes(to router: Router<JobBoardContext>) {
        router.get("/", use: home)
        router.get("/jobs", use: results)
        router.get("/jobs/:id", use: job)
        router.get("/login", use: loginForm)
        router.get("/register", use: registerForm)
        router.post("/logout", use: logout)
        router.get("/dashboard", use: dashboard)
        router.get("/dashboard/jobs/:id/applications", use: jobApplications)
        router.get("/applications", use: applications)
        router.post("/dashboard/jobs/:id/:action", use: jobAction)
        router.post("/dashboard/applications/:id/status", use: moveApplication)
        router.post("/applications/:id/withdraw", use: withdraw)
        router.group().limited(by: loginLimiter, action: "login").post("/login", use: login)
        router.group().limited(by: registrationLimiter, action: "registration").post("/register", use: register)
        router.group().limited(by: postingLimiter, action: "posting").post("/dashboard/jobs", use: createJob)
        router.group().limited(by: applyingLimiter, action: "applying").post("/jobs/:id/apply", use: apply)
    }

    @Sendable func home(_ request: Request, context: JobBoardContext) async throws -> Response {
        let page = try await service.search(JobSearch(limit: 10))
        return pages.render(
            "home", ["title": "Find a job", "jobs": page.jobs.map(PageFormatting.listItem), "search": Self.formValues(JobSearch())],
            account: context.account)
    }

    @Sendable func results(_ request: Request, context: JobBoardContext) async throws -> Response {
        let search = try SearchParameters.search(from: FormFields(query: request))
        let page = try await service.search(search)
        var query = FormFields(query: request).all.filter { $0.name != "cursor" }.flatMap { field in
            field.values.map { "\(Self.escapeQuery(field.name))=\(Self.escapeQuery($0))" }
        }
        let feed = "/jobs.atom" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        var values: [String: Any] = [
            "title": search.text.map { "Jobs matching \($0)" } ?? "All jobs",
            "heading": search.text.map { "Jobs matching “\($0)”" } ?? "All jobs",
            "jobs": page.jobs.map(PageFormatting.listItem), "search": Self.formValues(search), "feed": feed,
        ]
        if let next = page.next {
            query.append("cursor=\(next.token)")
            values["nextURL"] = "/jobs?" + query.joined(separator: "&")
        }
        return pages.render("results", values, account: context.account)
    }

    @Sendable func job(_ request: Request, context: JobBoardContext) async throws -> Response {
        let job = try await service.job(id: try JobsController.id(context), viewer: context.account)
        let now = service.clock()
        var closedReason: String?
        if job.isExpired(at: now) {
            closedReason = "This posting has expired and takes no more applications."
        } else if job.status != .published {
            closedReason = "This posting is \(job.status.rawValue) and takes no applications."
        }
        var item = PageFormatting.listItem(job)
        item["status"] = job.displayStatus(at: now)
        item["expires"] = PageFormatting.day(job.expiresAt)
        item["paragraphs"] = job.content.description.components(separatedBy: "\n\n")
        item["applyURL"] = job.content.applyURL
        item["closedReason"] = closedReason
        let site = "http://" + (request.head.authority ?? "localhost")
        return pages.render(
            "job",
            PageFormatting.present([
                "title": job.content.title, "job": item, "canApply": context.account?.role == .seeker,
                "jsonLD": JobPostingJSONLD.script(for: job, now: now, siteURL: site),
            ]), account: context.account)
    }

    @Sendable func loginForm(_ request: Request, context: JobBoardContext) async throws -> Response {
        pages.render("login", ["title": "Log in"], account: context.account)
    }

    @Sendable func login(_ request: Request, context: JobBoardContext) async throws -> Response {
        let form = try await FormFields.read(request, context: context)
        do {
            let session = try await service.login(email: form["email"] ?? "", password: form.values["password"] ?? "")
            var response = Response.redirect(to: session.account.role == .employer ? "/dashboard" : "/jobs", type: .found)
            response.setCookie(Self.sessionCookie(session.token, lifetime: service.sessionLifetime))
            return response
        } catch let error as JobBoardError {
            return pages.render(
                "login", ["title": "Log in", "formError": error.description, "email": form["email"] ?? ""], account: nil,
                status: .unauthorized)
        }
    }

    @Sendable func registerForm(_ request: Request, context: JobBoardContext) async throws -> Response {
        pages.render("register", ["title": "Sign up"], account: context.account)
    }

    @Sendable func register(_ request: Request, context: JobBoardContext) async throws -> Response {
        let form = try await FormFields.read(request, context: context)
        let email = form["email"] ?? ""
        let password = form.values["password"] ?? ""
        do {
            _ = try await service.register(
                email: email, password: password, role: Role(rawValue: form["role"] ?? "") ?? .seeker,
                displayName: form["display_name"] ?? "")
            let session = try await service.login(email: email, password: password)
            var response = Response.redirect(to: session.account.role == .employer ? "/dashboard" : "/jobs", type: .found)
            response.setCookie(Self.sessionCookie(session.token, lifetime: service.sessionLifetime))
            return response
        } catch let error as JobBoardError {
            return pages.render(
                "register",
                ["title": "Sign up", "formError": error.description, "email": email, "displayName": form["display_name"] ?? ""],
                account: nil, status: .unprocessableContent)
        }
    }

    @Sendable func logout(_ request: Request, context: JobBoardContext) async throws -> Response {
        if let token = context.sessionToken { try await service.logout(token: token) }
        var response = Response.redirect(to: "/", type: .found)
        response.setCookie(Cookie(name: SessionMiddleware.cookieName, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .lax))
        return response
    }

    @Sendable func dashboard(_ request: Request, context: JobBoardContext) async throws -> Response {
        guard let employer = context.account else { return .redirect(to: "/login", type: .found) }
        let jobs = try await service.jobs(of: employer)
        let counts = try await service.store.applicationCounts(employerID: employer.id)
        let now = service.clock()
        let rows: [[String: Any]] = jobs.map { job in
            var row = PageFormatting.listItem(job)
            row["status"] = job.displayStatus(at: now)
            row["expires"] = PageFormatting.day(job.expiresAt)
            row["applications"] = counts[job.id] ?? 0
            row["canPublish"] = job.status == .draft
            row["canRenew"] = job.status == .published
            row["canClose"] = job.status == .draft || job.status == .published
            return row
        }
        return pages.render(
            "dashboard",
            PageFormatting.present([
                "title": "Dashboard", "jobs": rows, "companyName": try await service.company(of: employer)?.name ?? "",
                "workplaces": Workplace.allCases.map { ["value": $0.rawValue, "label": $0.rawValue] },
                "types": EmploymentType.allCases.map { ["value": $0.rawValue, "label": $0.label] },
                "periods": Salary.Period.allCases.map {
                    ["value": $0.rawValue, "label": $0.rawValue.lowercased(), "selected": $0 == .year] as [String: Any]
                },
                "notice": FormFields(query: request)["notice"],
            ]), account: employer)
    }

    @Sendable func createJob(_ request: Request, context: JobBoardContext) async throws -> Response {
        guard let employer = context.account else { return .redirect(to: "/login", type: .found) }
        let form = try await FormFields.read(request, context: context)
        var salary: Salary?
        if form["salary_min"] != nil || form["salary_max"] != nil {
            salary = Salary(
                min: try form.number("salary_min"), max: try form.number("salary_max"), currency: form["salary_currency"] ?? "",
                period: Salary.Period(rawValue: form["salary_period"] ?? "") ?? .year)
        }
        let draft = JobDraft(
            title: form["title"] ?? "", company: form["company"] ?? "", description: form.values["description"] ?? "",
            location: Location(city: form["city"], region: form["region"], country: form["country"] ?? ""),
            workplace: Workplace(rawValue: form["workplace"] ?? "") ?? .onsite,
            employmentType: EmploymentType(rawValue: form["employment_type"] ?? "") ?? .fullTime, salary: salary,
            tags: (form["tags"] ?? "").split(separator: ",").map(String.init), applyURL: form["apply_url"])
        let job = try await service.createJob(draft, by: employer)
        return .redirect(to: "/dashboard?notice=Saved+draft+%23\(job.id)", type: .found)
    }

    @Sendable func jobAction(_ request: Request, context: JobBoardContext) async throws -> Response {
        guard let employer = context.account else { return .redirect(to: "/login", type: .found) }
        let id = try JobsController.id(context)
        switch context.parameters.get("action") {
        case "publish": _ = try await service.publishJob(id: id, by: employer)
        case "close": _ = try await service.closeJob(id: id, by: employer)
        case "renew": _ = try await service.renewJob(id: id, by: employer)
        default: throw JobBoardError.notFound("no such action")
        }
        return .redirect(to: "/dashboard", type: .found)
    }

    @Sendable func jobApplications(_ request: Request, context: JobBoardContext) async throws -> Response {
        guard let employer = context.account else { return .redirect(to: "/login", type: .found) }
        let jobID = try JobsController.id(context)
        let list = try await service.applications(toJob: jobID, by: employer)
        let job = try await service.job(id: jobID, viewer: employer)
        let rows: [[String: Any]] = list.map { application in
            [
                "id": application.id, "resumeURL": application.resumeURL, "coverNote": application.coverNote,
                "status": application.status.rawValue, "applied": PageFormatting.day(application.createdAt) ?? "",
                "next": application.status.employerTransitions.map { ["value": $0.rawValue] },
            ]
        }
        return pages.render(
            "jobapplications", ["title": "Applications", "jobTitle": job.content.title, "applications": rows], account: employer)
    }

    @Sendable func moveApplication(_ request: Request, context: JobBoardContext) async throws -> Response {
        guard let employer = context.account else { return .redirect(to: "/login", type: .found) }
        let form = try await FormFields.read(request, context: context)
        guard let status = ApplicationStatus(rawValue: try form.required("status")) else {
            throw JobBoardError.invalid([FieldIssue(field: "status", message: "is not an application status")])
        }
        let application = try await service.moveApplication(id: try JobsController.id(context), to: status, by: employer)
        return .redirect(to: "/dashboard/jobs/\(application.jobID)/applications", type: .found)
    }

    @Sendable func apply(_ request: Request, context: JobBoardContext) async throws -> Response {
        guard let seeker = context.account else { return .redirect(to: "/login", type: .found) }
        let form = try await FormFields.read(request, context: context)
        _ = try await service.apply(
            toJob: try JobsController.id(context), coverNote: form.values["cover_note"] ?? "",
            resumeURL: form["resume_url"] ?? "", by: seeker)
        return .redirect(to: "/applications", type: .found)
    }

    @Sendable func applications(_ request: Request, context: JobBoardContext) async throws -> Response {
        guard let seeker = context.account else { return .redirect(to: "/login", type: .found) }
        let rows: [[String: Any]] = try await service.applications(of: seeker).map { application, job in
            [
                "id": application.id, "jobID": application.jobID, "jobTitle": job?.content.title ?? "Job \(application.jobID)",
                "applied": PageFormatting.day(application.createdAt) ?? "", "status": application.status.rawValue,
                "canWithdraw": !application.status.isFinal,
            ]
        }
        return pages.render("applications", ["title": "My applications", "applications": rows], account: seeker)
    }

    @Sendable func withdraw(_ request: Request, context: JobBoardContext) async throws -> Response {
        guard let seeker = context.account else { return .redirect(to: "/login", type: .found) }
        _ = try await service.withdraw(applicationID: try JobsController.id(context), by: seeker)
        return .redirect(to: "/applications", type: .found)
    }

    static func sessionCookie(_ token: String, lifetime: TimeInterval) -> Cookie {
        // SameSite=Lax keeps other sites from posting the forms with this cookie.
        Cookie(name: SessionMiddleware.cookieName, value: token, maxAge: Int(lifetime), path: "/", httpOnly: true, sameSite: .lax)
    }

    static func escapeQuery(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
    }

    /// The search form's values, with the current choices selected.
    static func formValues(_ search: JobSearch) -> [String: Any] {
        [
            "q": search.text ?? "", "country": search.country ?? "", "city": search.city ?? "",
            "minSalary": search.minimumYearlySalary.map { String(Int($0)) } ?? "", "tags": search.tags.joined(separator: ", "),
            "workplaces": Workplace.allCases.map {
                ["value": $0.rawValue, "label": $0.rawValue, "selected": $0 == search.workplace] as [String: Any]
            },
            "types": EmploymentType.allCases.map {
                ["value": $0.rawValue, "label": $0.label, "selected": $0 == search.employmentType] as [String: Any]
            },
            "periods": [1, 7, 30].map {
                ["value": $0, "label": $0 == 1 ? "1 day" : "\($0) days", "selected": $0 == search.postedWithinDays]
                    as [String: Any]
            },
            "sorts": JobSearch.Sort.allCases.map {
                ["value": $0.rawValue, "label": $0.rawValue, "selected": $0 == search.sort] as [String: Any]
            },
        ]
    }
}

extension RouterGroup where Context: JobBoardRequestContext {
    /// This group with a rate limit, or unchanged when limiting is off.
    func limited(by limiter: RateLimiter?, action: String) -> RouterGroup<Context> {
        guard let limiter else { return self }
        return add(middleware: RateLimitMiddleware<Context>(limiter: limiter, action: action))
    }
}
