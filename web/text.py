"""The inbox's words, in Vietnamese (the default) and English, and the reader's choice."""

from flask import has_request_context, session

from edoc.agency import AgencyDirectory
from edoc.bilingual import LANGUAGES, Text, in_language, language_of

#: The agencies' names as the bundled directory knows them, by id.
_KNOWN = {agency.organ_id: agency.name for agency in AgencyDirectory.builtin().all()}


def agency_named(organ_id: str, name: str = "") -> str:
    """An agency as pages show it: by its name (as its envelope gave it, else as the
    directory knows it), with its id, which tells units of the same name apart; by its id
    alone when no name is known."""
    name = name or _KNOWN.get(organ_id, "")
    return f"{name} ({organ_id})" if name else organ_id


#: The inbox's words, by key; pages read them as ``t.key`` in the reader's language.
LABELS: dict[str, Text] = {
    "title": Text("Văn bản đến", "Received documents"),
    "login": Text("Đăng nhập", "Log in"),
    "logout": Text("Đăng xuất", "Log out"),
    "username": Text("Tên đăng nhập", "User name"),
    "password": Text("Mật khẩu", "Password"),
    "login_failed": Text("Sai tên đăng nhập hoặc mật khẩu.", "Wrong user name or password."),
    "search": Text("Tìm (số, ký hiệu, trích yếu)", "Search (number, notation, subject)"),
    "find": Text("Tìm", "Search"),
    "all": Text("tất cả", "all"),
    "since": Text("Từ ngày", "From"),
    "until": Text("Đến ngày", "To"),
    "sort": Text("Xếp theo", "Sort by"),
    "received_at": Text("Ngày đến", "Received"),
    "code": Text("Số, ký hiệu", "Number/notation"),
    "subject": Text("Trích yếu", "Subject"),
    "sender": Text("Nơi gửi", "From"),
    "signer": Text("Người ký", "Signed by"),
    "task_codes": Text("Mã nhiệm vụ", "Task codes"),
    "application_type": Text("Phần mềm gửi", "Sending application"),
    "sent_by": Text("Văn thư gửi", "Sent by"),
    "priority": Text("Độ khẩn", "Priority"),
    "urgent": Text("Khẩn", "Urgent"),
    "due": Text("Hạn xử lý", "Due"),
    "status": Text("Trạng thái", "Status"),
    "signatures": Text("Chữ ký số", "Signatures"),
    "personal": Text("Cá nhân", "Personal"),
    "organisation": Text("Cơ quan", "Agency"),
    "trusted": Text("Tin cậy", "Trusted"),
    "not_verified": Text("chưa kiểm tra", "not verified"),
    "next": Text("Trang sau", "Next page"),
    "previous": Text("Trang trước", "Previous page"),
    "empty": Text("Chưa có văn bản đến.", "No documents received yet."),
    "no_match": Text(
        "Không có văn bản nào khớp với điều kiện tìm.", "No document matches the search."
    ),
    "clear_filters": Text("Bỏ điều kiện tìm", "Clear the search"),
    "attachments": Text("Tệp đính kèm", "Attachments"),
    "preview": Text("Xem văn bản", "Show the document"),
    "findings": Text("Kết quả kiểm tra chữ ký", "Signature findings"),
    "timeline": Text("Diễn biến", "Timeline"),
    "actions": Text("Xử lý", "Actions"),
    "accept": Text("Tiếp nhận (03)", "Accept (03)"),
    "return": Text("Trả lại (02)", "Return (02)"),
    "assign": Text("Phân công (04)", "Assign (04)"),
    "in_progress": Text("Đang xử lý (05)", "In progress (05)"),
    "complete": Text("Hoàn thành (06)", "Complete (06)"),
    "reason": Text("Lý do (bắt buộc khi trả lại)", "Reason (required to return)"),
    "note": Text(
        "Ghi chú (gửi kèm trạng thái cho nơi gửi)", "Note (sent to the sender with the status)"
    ),
    "status_recorded": Text(
        "Đã ghi trạng thái {code} và báo cho nơi gửi.",
        "Status {code} recorded and sent to the sender.",
    ),
    "status_already": Text(
        "Trạng thái {code} đã được ghi trước đó ({staff}, {at}); không ghi lại.",
        "Status {code} was recorded already ({staff}, {at}); not recorded again.",
    ),
    "status_unknown": Text(
        "Hãy chọn một trạng thái xử lý trong các nút của trang.",
        "Choose a status with one of the page's buttons.",
    ),
    "by_system": Text("Hệ thống", "System"),
    "assignee": Text(
        "Giao cho (người hoặc đơn vị; bắt buộc khi phân công)",
        "Assign to (a person or a department; required to assign)",
    ),
    "assigned_to": Text("giao cho", "assigned to"),
    "confirm_failed_check": Text(
        "Tôi xác nhận tiếp nhận văn bản dù kiểm tra chữ ký số không đạt.",
        "I confirm accepting this document although its signature check failed.",
    ),
    "accepted_despite_check": Text(
        "tiếp nhận dù kiểm tra chữ ký số không đạt", "accepted although its signature check failed"
    ),
    "back": Text("Về danh sách", "Back to the list"),
    "folder_recalled": Text("Văn bản đã bị thu hồi", "This document was recalled"),
    "folder_replaced": Text("Văn bản đã được thay thế", "This document was replaced"),
    "event_recalled": Text("Nơi gửi đã thu hồi văn bản", "The sender recalled the document"),
    "event_recall_refused": Text(
        "Nơi gửi xin thu hồi văn bản đã xử lý xong: từ chối",
        "The sender asked to recall a completed document: refused",
    ),
    "event_updated": Text(
        "Nơi gửi đã cập nhật thông tin văn bản", "The sender updated the document's details"
    ),
    "event_replaced": Text(
        "Nơi gửi đã thay thế văn bản bằng văn bản mới",
        "The sender replaced the document with a new one",
    ),
    "outbox": Text("Văn bản đi", "Sent documents"),
    "compose": Text("Soạn văn bản đi", "Compose"),
    "number": Text("Số", "Number"),
    "notation": Text("Ký hiệu", "Notation"),
    "date": Text("Ngày ban hành", "Date"),
    "normal": Text("Thường", "Normal"),
    "sign_organisation": Text(
        "Ký số của cơ quan (đóng dấu)", "Apply the agency's signature (seal)"
    ),
    "confirm_non_compliant": Text(
        "Văn bản chưa hợp lệ; tôi vẫn gửi", "The document is not compliant; send it anyway"
    ),
    "send": Text("Gửi", "Send"),
    "sent": Text(
        "Đã xếp hàng gửi; xem tiến trình ở Văn bản đi.",
        "Queued for sending; follow it under Sent documents.",
    ),
    "bad_date": Text("Ngày ban hành không hợp lệ.", "The date is not valid."),
    "recipient": Text("Nơi nhận", "Recipient"),
    "delivery": Text("Chuyển", "Delivery"),
    "last_status": Text("Trạng thái nơi nhận", "Recipient's status"),
    "no_sent": Text("Chưa gửi văn bản nào.", "Nothing sent yet."),
    "sent_at": Text("Ngày gửi", "Sent"),
    "delivery_queued": Text("Đang chờ gửi", "Waiting to be sent"),
    "delivery_sent": Text("Đã chuyển đi", "Passed on"),
    "delivery_failed": Text("Gửi không được", "Could not be sent"),
    "delivery_acknowledged": Text("Nơi nhận đã nhận", "Received by the recipient"),
    "delivery_held": Text("Chờ nơi nhận lấy về", "Waiting for the recipient to fetch it"),
    "delivery_undeliverable": Text("Ngừng gửi", "Given up"),
    "delivery_stopped": Text("từ {at}", "since {at}"),
    "retry_delivery": Text("Gửi lại", "Send again"),
    "retry_queued": Text("Đã xếp hàng gửi lại.", "Queued to be sent again."),
    "retry_already": Text("Đã xếp hàng gửi lại trước đó.", "Already queued to be sent again."),
    "undeliverable_heading": Text("Văn bản ngừng gửi", "Messages given up"),
    "no_undeliverable": Text("Không có văn bản nào ngừng gửi.", "No message was given up."),
    "verify": Text("Kiểm tra chữ ký", "Check signatures"),
    "verify_help": Text(
        "Chọn một tệp PDF để kiểm tra chữ ký số theo Nghị định 30.",
        "Choose a PDF to check its digital signatures against Decree 30.",
    ),
    "not_a_pdf": Text("Tệp tải lên không phải PDF.", "The uploaded file is not a PDF."),
    "unreadable_pdf": Text(
        "Không đọc được tệp PDF «{name}»: tệp bị hỏng hoặc không đầy đủ.",
        "The PDF '{name}' cannot be read: it is damaged or incomplete.",
    ),
    "nul_refused": Text(
        "Yêu cầu chứa ký tự NUL (mã 0), không phải văn bản: đã từ chối.",
        "The request holds a NUL character (code 0), which is no text: refused.",
    ),
    "check": Text("Kiểm tra", "Check"),
    "verdict": Text("Kết luận", "Verdict"),
    "field": Text("Trường chữ ký", "Signature field"),
    "role": Text("Vai trò", "Role"),
    "level": Text("Mức PAdES", "PAdES level"),
    "result": Text("Kết quả", "Result"),
    "role_personal": Text("Cá nhân", "Personal"),
    "role_organisation": Text("Cơ quan, tổ chức", "Organisation"),
    "role_unknown": Text("Không rõ", "Unknown"),
    "no_signature": Text("Không có chữ ký số.", "No digital signature."),
    "main_pdf": Text("Tệp PDF của văn bản", "The document's PDF"),
    "make_draft": Text("Tạo dự thảo và kiểm tra", "Make the draft and check it"),
    "drafts": Text("Dự thảo văn bản đi", "Drafts to send"),
    "no_drafts": Text("Chưa có dự thảo nào.", "No drafts yet."),
    "updated": Text("Cập nhật", "Updated"),
    "stage": Text("Bước", "Step"),
    "stage_created": Text("Đã tạo", "Created"),
    "stage_personal": Text("Lãnh đạo đã ký", "Signed by the leader"),
    "stage_uploaded": Text("Đã tải lên bản đã ký", "Signed copy uploaded"),
    "stage_organisation": Text("Đã ký số cơ quan", "Agency signature applied"),
    "stage_sent": Text("Đã gửi", "Sent"),
    "files": Text("Các tệp", "Files"),
    "key_password": Text("Mật khẩu khóa cá nhân", "Personal key password"),
    "sign_personal": Text("Ký số cá nhân", "Sign personally"),
    "no_held_key": Text(
        "Máy chủ không giữ khóa của bạn: ký bằng USB token rồi tải lên bản đã ký.",
        "The server holds no key of yours: sign with your USB token and upload the signed PDF.",
    ),
    "upload_signed": Text(
        "Bản PDF đã ký (thay bản hiện tại)", "Signed PDF (replaces the current one)"
    ),
    "replace": Text("Tải lên", "Upload"),
    "delete_draft": Text("Xóa dự thảo", "Delete the draft"),
    "signed_personal": Text("Đã ký số cá nhân.", "Signed personally."),
    "signed_organisation": Text("Đã ký số của cơ quan.", "The agency's signature is applied."),
    "admin": Text("Quản trị", "Administration"),
    "admin_users": Text("Người dùng", "Users"),
    "admin_agencies": Text("Danh bạ cơ quan", "Agency directory"),
    "admin_trust": Text("Neo tin cậy", "Trust anchors"),
    "admin_policy": Text("Chính sách kiểm tra", "Verification policy"),
    "full_name": Text("Họ và tên", "Full name"),
    "user_role_clerk": Text("Văn thư", "Clerk"),
    "user_role_leader": Text("Lãnh đạo", "Leader"),
    "user_role_auditor": Text("Kiểm toán viên", "Auditor"),
    "user_role_admin": Text("Quản trị viên", "Administrator"),
    "active": Text("Đang hoạt động", "Active"),
    "locked": Text("Đã khóa", "Locked"),
    "holds_key": Text("Máy chủ giữ khóa cá nhân", "Personal key held by the server"),
    "yes": Text("Có", "Yes"),
    "no": Text("Không", "No"),
    "change": Text("Thay đổi", "Change"),
    "change_role": Text("Đổi vai trò", "Change the role"),
    "lock": Text("Khóa tài khoản", "Lock the account"),
    "unlock": Text("Mở khóa tài khoản", "Unlock the account"),
    "new_password": Text("Mật khẩu mới", "New password"),
    "set_password": Text("Đặt mật khẩu", "Set the password"),
    "pkcs12_file": Text("Tệp khóa cá nhân (PKCS#12)", "Personal key file (PKCS#12)"),
    "signature_image": Text("Ảnh chữ ký (PNG hoặc JPEG)", "Signature image (PNG or JPEG)"),
    "keep_key": Text("Giao khóa cho máy chủ giữ", "Have the server hold the key"),
    "key_password_not_kept": Text(
        "Mật khẩu khóa chỉ dùng để kiểm tra tệp, không được lưu.",
        "The key's password only checks the file; it is not kept.",
    ),
    "add_user": Text("Thêm người dùng", "Add a user"),
    "user_added": Text("Đã thêm người dùng {username}.", "User {username} added."),
    "user_changed": Text(
        "Đã cập nhật người dùng {username}: {changes}.", "User {username} updated: {changes}."
    ),
    "changed_full_name": Text("họ và tên «{old}» → «{new}»", "full name '{old}' → '{new}'"),
    "changed_role": Text("vai trò {} → {}", "role {} → {}"),
    "changed_locked": Text("đã khóa tài khoản", "account locked"),
    "changed_unlocked": Text("đã mở khóa tài khoản", "account unlocked"),
    "changed_lock_lifted": Text(
        "đã gỡ khóa do nhập sai mật khẩu", "lock for wrong passwords lifted"
    ),
    "changed_password": Text("đã đặt mật khẩu mới", "new password set"),
    "changed_nothing": Text("không có gì thay đổi", "nothing changed"),
    "change_full_name": Text("Đổi họ và tên", "Change the full name"),
    "locked_out_until": Text(
        "Tạm khóa (sai mật khẩu) đến {when}", "Locked (wrong passwords) until {when}"
    ),
    "key_held": Text(
        "Máy chủ đã giữ khóa cá nhân của {username}.",
        "The server now holds {username}'s personal key.",
    ),
    "agencies_help": Text(
        "Danh bạ các cơ quan để chọn nơi nhận văn bản.",
        "The directory of agencies that recipients are chosen from.",
    ),
    "organ_id": Text("Mã định danh", "Agency id"),
    "decision20": Text("Mã theo Quyết định 20/2020", "Decision 20/2020 code"),
    "agency_name": Text("Tên cơ quan", "Agency"),
    "trust_help": Text(
        "Nút tin cậy các chữ ký số dẫn tới một trong các chứng thư gốc này.",
        "The node trusts the signatures that lead to one of these roots.",
    ),
    "anchor_subject": Text("Chủ thể", "Subject"),
    "fingerprint": Text("Dấu vân tay SHA-256", "SHA-256 fingerprint"),
    "valid_from": Text("Hiệu lực từ", "Valid from"),
    "valid_until": Text("Hiệu lực đến", "Valid until"),
    "anchor_source": Text("Nguồn", "Source"),
    "from_policy": Text(
        "Cấu hình của chính sách (không gỡ được ở đây)",
        "The policy's configuration (not removable here)",
    ),
    "added_by": Text("Do {who} thêm", "Added by {who}"),
    "remove": Text("Gỡ", "Remove"),
    "no_anchors": Text("Chưa tin cậy chứng thư gốc nào.", "No root is trusted."),
    "certificate_file": Text(
        "Tệp chứng thư gốc (PEM hoặc DER)", "Root certificate file (PEM or DER)"
    ),
    "add_anchor": Text("Thêm neo tin cậy", "Add a trust anchor"),
    "anchor_added": Text(
        "Đã thêm neo tin cậy; áp dụng ngay.", "Trust anchor added; it applies at once."
    ),
    "anchor_removed": Text(
        "Đã gỡ neo tin cậy; áp dụng ngay.", "Trust anchor removed; it applies at once."
    ),
    "active_policy": Text("Chính sách đang dùng", "Active policy"),
    "revocation": Text("Kiểm tra thu hồi", "Revocation checking"),
    "revocation_off": Text("Không kiểm tra", "Off"),
    "revocation_soft": Text(
        "Mềm: chưa rõ tình trạng là cảnh báo", "Soft: an unknown status is a warning"
    ),
    "revocation_hard": Text(
        "Chặt: chưa rõ tình trạng là chưa xác định", "Hard: an unknown status is indeterminate"
    ),
    "check_levels": Text("Mức của từng kiểm tra", "The level of each check"),
    "check_code": Text("Mã kiểm tra", "Check code"),
    "check_level": Text("Mức", "Level"),
    "check_meaning": Text("Nội dung", "What it finds"),
    "shipped_policy": Text("Chính sách có sẵn", "Shipped policy"),
    "policy_file": Text("Hoặc tệp chính sách (TOML)", "Or a policy file (TOML)"),
    "policy_help": Text(
        "Tệp chính sách chỉ cần những dòng khác chính sách mặc định; neo tin cậy thêm ở "
        "trang Neo tin cậy.",
        "A policy file needs only the lines that differ from the default policy; trust "
        "anchors are added on the Trust anchors page.",
    ),
    "apply": Text("Áp dụng", "Apply"),
    "policy_applied": Text("Đã áp dụng chính sách {name}.", "Policy {name} applied."),
    "too_large": Text("Tệp tải lên quá {mb} MB.", "The upload is over {mb} MB."),
    "uploading": Text("Đang tải lên…", "Uploading…"),
    "upload_failed": Text(
        "Tải lên không thành công; hãy kiểm tra kết nối rồi thử lại.",
        "The upload failed; check the connection and try again.",
    ),
    "key_throttled": Text(
        "Nhập sai mật khẩu khóa quá nhiều lần; hãy thử lại sau ít phút.",
        "Too many wrong key passwords; try again in a few minutes.",
    ),
    "audit": Text("Báo cáo ký số", "Signing audit"),
    "audit_show": Text("Xem báo cáo", "Show the audit"),
    "audit_documents": Text("Các văn bản được đếm", "Documents counted"),
    "audit_back": Text("Về báo cáo", "Back to the audit"),
    "audit_at": Text("Thời điểm gửi", "Sent at"),
    "audit_none": Text("Không có văn bản nào.", "No documents."),
    "audit_more": Text(
        "Chỉ hiện {limit} văn bản đầu tiên; hãy thu hẹp khoảng thời gian.",
        "Only the first {limit} documents are shown; narrow the dates.",
    ),
    "audit_download": Text("Tải về báo cáo", "Download the audit"),
    "audit_bad_date": Text(
        "«{what}» không phải ngày hợp lệ (năm-tháng-ngày, vd 2026-10-01): {text}",
        "'{what}' is not a valid date (year-month-day, e.g. 2026-10-01): {text}",
    ),
    "audit_bad_direction": Text(
        "Chiều không hợp lệ: {text} (sent, received hoặc both).",
        "Not a direction: {text} (sent, received or both).",
    ),
    "audit_no_figure": Text(
        "Cần chọn một chỉ số hoặc mã kiểm tra.", "Choose a figure or a check code."
    ),
    "error_heading_400": Text("Yêu cầu không hợp lệ", "Bad request"),
    "error_what_400": Text(
        "Trang không hiểu yêu cầu vừa gửi.", "The page could not understand the request just sent."
    ),
    "error_todo_400": Text(
        "Hãy quay lại, tải lại trang rồi làm lại.", "Go back, reload the page and try again."
    ),
    "error_heading_403": Text("Không được phép", "Not allowed"),
    "error_what_403": Text(
        "Tài khoản của bạn không được mở trang này hoặc làm việc này.",
        "Your account may not open this page or do this.",
    ),
    "error_todo_403": Text(
        "Nếu cần, hãy nhờ quản trị viên của cơ quan cấp quyền.",
        "If you need to, ask your agency's administrator for the right.",
    ),
    "error_heading_404": Text("Không tìm thấy", "Not found"),
    "error_what_404": Text(
        "Không có trang hay văn bản này (hoặc nó thuộc cơ quan khác).",
        "There is no such page or document (or it is another agency's).",
    ),
    "error_todo_404": Text(
        "Hãy kiểm tra lại địa chỉ, hoặc tìm văn bản trong danh sách.",
        "Check the address, or find the document in the list.",
    ),
    "error_heading_405": Text("Không làm được theo cách này", "Not done this way"),
    "error_what_405": Text(
        "Địa chỉ này không nhận yêu cầu kiểu vừa gửi.",
        "This address does not take the kind of request just sent.",
    ),
    "error_todo_405": Text(
        "Hãy dùng các nút và biểu mẫu trên trang thay vì gõ địa chỉ.",
        "Use the page's buttons and forms rather than typing the address.",
    ),
    "error_heading_413": Text("Tệp quá lớn", "File too large"),
    "error_todo_413": Text(
        "Hãy chọn tệp nhỏ hơn rồi gửi lại.", "Choose a smaller file and send it again."
    ),
    "error_heading_429": Text("Quá nhiều lần thử", "Too many attempts"),
    "error_what_429": Text(
        "Có quá nhiều lần thử trong thời gian ngắn.",
        "There were too many attempts in a short time.",
    ),
    "error_todo_429": Text("Hãy chờ ít phút rồi thử lại.", "Wait a few minutes and try again."),
    "error_heading_500": Text("Đã có lỗi", "Something went wrong"),
    "error_what_500": Text(
        "Máy chủ gặp lỗi nên chưa làm được việc vừa yêu cầu; không có gì bị ghi dở.",
        "The server met an error and did not do what was asked; nothing was half-kept.",
    ),
    "error_todo_500": Text(
        "Hãy thử lại sau ít phút; nếu vẫn lỗi, hãy báo quản trị viên.",
        "Try again in a few minutes; if it goes on, tell your administrator.",
    ),
    "error_heading_edoc": Text("Chưa làm được", "Not done"),
    "error_todo_edoc": Text(
        "Hãy thử lại sau ít phút; nếu vẫn lỗi, hãy báo quản trị viên.",
        "Try again in a few minutes; if it goes on, tell your administrator.",
    ),
    "csrf_stale": Text(
        "Biểu mẫu đã cũ (mã bảo vệ CSRF không khớp phiên đăng nhập): hãy tải "
        "lại trang rồi làm lại.",
        "The form is out of date (its CSRF token does not match your session): "
        "reload the page and try again.",
    ),
    "session_ended": Text(
        "Phiên làm việc đã kết thúc (có thể bạn đã đăng xuất ở thẻ khác): hãy đăng nhập lại.",
        "Your session has ended (perhaps you logged out in another tab): log in again.",
    ),
    "login_needed": Text("Hãy đăng nhập để mở trang này.", "Log in to open this page."),
    "back_to_inbox": Text("Về văn bản đến", "Back to received documents"),
    "back_to_login": Text("Đến trang đăng nhập", "Go to the login page"),
    "error_heading_agency": Text("Trang của cơ quan khác", "Another agency's page"),
    "error_what_agency": Text(
        "Đây là hộp thư của {agency}; trình duyệt này đang làm việc trong hộp thư của "
        "cơ quan khác ({others}).",
        "This is the inbox of {agency}; this browser is at work in another agency's "
        "inbox ({others}).",
    ),
    "error_todo_agency": Text(
        "Phiên làm việc ở cơ quan kia vẫn giữ nguyên. Muốn làm việc ở đây, hãy đăng nhập "
        "bằng tài khoản của {agency}.",
        "Your session there is kept as it is. To work here, log in with an account of {agency}.",
    ),
    "language": Text("English", "Tiếng Việt"),
    "language_code": Text("en", "vi"),
}


def language() -> str:
    """The reader's language: their choice in this session, else Vietnamese."""
    if has_request_context() and session.get("lang") == "en":
        return "en"
    return "vi"


#: :data:`LABELS` picked once per language.
_IN_LANGUAGE = {lang: in_language(LABELS, lang) for lang in LANGUAGES}


def labels(lang: str | None = None) -> dict[str, str]:
    """The inbox's words in ``lang``, by default the reader's (:func:`language`)."""
    return _IN_LANGUAGE[language_of(lang or language())]
