import Foundation

extension JobBoardService {
    /// A seeker applies to a live job that takes applications on Evenkeel, once.
    public func apply(toJob jobID: Int64, coverNote: String, resumeURL: String, by seeker: Account) async throws
        -> JobApplication
    {
        try require(seeker, is: .seeker)
        var issues: [FieldIssue] = []
        let note = coverNote.trimmingCharacters(in: .whitespacesAndNewlines)
        if note.count > 5_000 { issues.append(.init(field: "cover_note", message: "must be at most 5000 characters")) }
        let resume = resumeURL.trimmingCharacters(in: .whitespacesAndNewlines)
        if !JobDraftValidator.isWebURL(resume) {
            issues.append(.init(field: "resume_url", message: "must be an http or https URL"))
        }
        if !issues.isEmpty { throw JobBoardError.invalid(issues) }
        guard let job = try await store.job(id: jobID), job.status != .draft, job.status != .unpublished else {
            throw JobBoardError.notFound("job \(jobID) does not exist")
        }
        let now = clock()
        if job.isExpired(at: now) { throw JobBoardError.jobClosed("job \(jobID) expired and takes no applications") }
        guard job.status == .published else {
            throw JobBoardError.jobClosed("job \(jobID) is \(job.status.rawValue) and takes no applications")
        }
        if let url = job.content.applyURL {
            throw JobBoardError.invalidTransition("job \(jobID) takes applications at \(url)")
        }
        return try await store.createApplication(
            jobID: jobID, seekerID: seeker.id, coverNote: note, resumeURL: resume, at: now)
    }

    /// The seeker's own applications, newest first, with their jobs.
    public func applications(of seeker: Account) async throws -> [(JobApplication, Job?)] {
        try require(seeker, is: .seeker)
        var result: [(JobApplication, Job?)] = []
        for application in try await store.applications(seekerID: seeker.id) {
            result.append((application, try await store.job(id: application.jobID)))
        }
        return result
    }

    /// The seeker takes back an open application.
    public func withdraw(applicationID: Int64, by seeker: Account) async throws -> JobApplication {
        try require(seeker, is: .seeker)
        guard var application = try await store.application(id: applicationID), application.seekerID == seeker.id else {
            throw JobBoardError.notFound("application \(applicationID) does not exist")
        }
        guard !application.status.isFinal else {
            throw JobBoardError.invalidTransition(
                "application \(applicationID) is \(application.status.rawValue) and can no longer be withdrawn")
        }
        let now = clock()
        try await store.setApplicationStatus(id: applicationID, to: .withdrawn, at: now)
        application.status = .withdrawn
        application.updatedAt = now
        return application
    }

    /// Applications to one of the employer's jobs.
    public func applications(toJob jobID: Int64, by employer: Account) async throws -> [JobApplication] {
        _ = try await ownedJob(id: jobID, by: employer)
        return try await store.applications(jobID: jobID)
    }

    /// The employer moves an application one step along its pipeline.
    public func moveApplication(id: Int64, to status: ApplicationStatus, by employer: Account) async throws
        -> JobApplication
    {
        try require(employer, is: .employer)
        guard var application = try await store.application(id: id) else {
            throw JobBoardError.notFound("application \(id) does not exist")
        }
        guard let job = try await store.job(id: application.jobID), job.employerID == employer.id else {
            throw JobBoardError.forbidden("application \(id) is to another employer's job")
        }
        guard application.status.employerTransitions.contains(status) else {
            let allowed = application.status.employerTransitions.map(\.rawValue)
            throw JobBoardError.invalidTransition(
                "application \(id) is \(application.status.rawValue); it can move to "
                    + (allowed.isEmpty ? "nothing (final)" : allowed.joined(separator: " or ")) + ", not \(status.rawValue)")
        }
        let now = clock()
        try await store.setApplicationStatus(id: id, to: status, at: now)
        application.status = status
        application.updatedAt = now
        return application
    }
}
