package io.yibao.gateway.http;

/**
 * The stable, machine-readable error codes of the API. Clients switch on {@link #name()}; the titles are for
 * people (Chinese by default, English when the client prefers it). Every code is listed in the contract under
 * {@code components.schemas.ProblemCode}; a test keeps the two in step.
 */
public enum ProblemCode {
  VALIDATION_FAILED(400, "请求参数不符合要求", "The request is not valid"),
  MALFORMED_BODY(400, "请求体格式错误", "The request body could not be parsed"),
  MALFORMED_REQUEST(400, "请求格式错误", "The request could not be parsed"),
  UNAUTHENTICATED(401, "未登录或凭证无效", "Authentication is required"),
  OTP_INVALID(401, "验证码错误或已失效", "The code is wrong or no longer valid"),
  REFRESH_TOKEN_INVALID(401, "登录已失效，请重新登录", "The refresh token is not valid; sign in again"),
  FORBIDDEN(403, "无权执行此操作", "This operation is not allowed"),
  STEP_UP_REQUIRED(403, "请先进行身份验证", "Verify your identity again first"),
  FACE_VERIFICATION_REQUIRED(403, "需要本人人脸核验", "Face verification of the person is required"),
  REAL_NAME_REQUIRED(403, "请先完成实名认证", "Real-name binding is required first"),
  CODE_NOT_ACTIVATED(403, "医保码尚未激活", "The insurance code is not activated"),
  NOT_YOUR_PHARMACY(403, "不属于本药店", "This belongs to another pharmacy"),
  NOT_FOUND(404, "资源不存在", "Not found"),
  METHOD_NOT_ALLOWED(405, "不支持的请求方法", "Method not allowed"),
  PAYLOAD_TOO_LARGE(413, "请求体过大", "The request body is too large"),
  URI_TOO_LONG(414, "请求地址过长", "The request line is too long"),
  EXPECTATION_FAILED(417, "不支持该 Expect 请求头", "Only Expect: 100-continue is supported"),
  HEADERS_TOO_LARGE(431, "请求头过大", "The request headers are too large"),
  CODE_USED(409, "医保码已使用，请刷新", "This code was already used; show a fresh one"),
  IDEMPOTENCY_IN_FLIGHT(409, "相同请求正在处理中", "A request with this Idempotency-Key is still running"),
  SETTLEMENT_NOT_CANCELLABLE(409, "该结算不能撤销", "This settlement cannot be cancelled"),
  CONFIRMATION_EXPIRED(409, "确认时间已过，未扣费", "The confirmation time has passed; nothing was charged"),
  PROXY_LIMIT_REACHED(409, "亲情账户数量已达上限", "The family account limit is reached"),
  ALREADY_PAID(409, "该年度已缴费", "Already paid for this year"),
  IN_ANOTHER_ORDER(409, "已在其他未完成的缴费订单中", "Already in another unpaid order"),
  FILING_OVERLAP(409, "已有时间重叠的同类异地就医备案", "An overlapping filing of the same kind exists"),
  FILING_LOCKED(409, "长期异地备案在锁定期内不能变更或取消", "A long-term filing cannot be changed or revoked in its first months"),
  FILING_NOT_ACTIVE(409, "该备案已取消或已到期", "This filing is revoked or has ended"),
  ALREADY_BOUND(409, "已绑定或已邀请该亲属", "This relative is already bound or invited"),
  FAMILY_LIMIT_REACHED(409, "共济绑定人数已达上限", "The most relatives allowed are bound"),
  INVITATION_NOT_PENDING(409, "该邀请已处理", "The invitation is no longer pending"),
  TRANSFER_DAILY_LIMIT_REACHED(409, "今日转账次数已用完", "No more wallet transfers today"),
  TRANSFER_QUIET_HOURS(409, "22:00至次日06:00不能转账", "No wallet transfers at this hour"),
  ORDER_NOT_CANCELLABLE(409, "订单已支付或已结束，不能取消", "The order is paid or closed and cannot be cancelled"),
  INVITATION_EXPIRED(410, "邀请已过期", "The invitation has expired"),
  CODE_EXPIRED(410, "医保码已过期，请刷新", "This code has expired; show a fresh one"),
  VISIT_EXPIRED(410, "就诊凭证已失效，请重新扫码", "The visit token has expired; scan a code again"),
  UNSUPPORTED_MEDIA_TYPE(415, "不支持的内容类型", "Unsupported content type"),
  IDEMPOTENCY_KEY_REUSED(422, "幂等键已用于不同的请求", "This Idempotency-Key was used for a different request"),
  NOT_A_FAMILY_MEMBER(422, "不是同户近亲属", "Not a close relative in your household"),
  INSUFFICIENT_BALANCE(422, "个人账户余额不足", "The personal account balance is too low"),
  NOT_PAYABLE(422, "该人员不能通过此方式缴费", "This person cannot be paid for this way"),
  SETTLEMENT_REFUSED(422, "医保结算被拒绝", "The settlement was refused by the insurance system"),
  REAL_NAME_MISMATCH(422, "姓名与身份证号不匹配或未参保", "Name and ID number do not match an insured person"),
  FACE_TOKEN_INVALID(422, "人脸核验结果无效或已过期", "The face verification result is invalid or expired"),
  FILING_REGION_UNKNOWN(422, "备案地不是有效的行政区划", "The destination is not a known administrative division"),
  FILING_SAME_REGION(422, "备案地不能在参保地统筹区内", "The destination is inside the insured region"),
  FILING_DATES_INVALID(422, "备案日期或有效期不符合规定", "The filing's dates or validity break the rules"),
  FILING_EMERGENCY_TOO_LATE(422, "急诊抢救备案须在就诊开始后规定天数内办理", "An emergency filing is too late after the visit began"),
  FILING_REFERRAL_REQUIRED(422, "转诊备案需要转诊单或个人承诺", "A referral filing needs a referral document or a commitment"),
  FILING_REFERRAL_UNKNOWN(422, "转诊单不存在或不属于该参保人", "The referral document is unknown or not this person's"),
  FILING_NOT_ELIGIBLE(422, "不符合该备案类别的条件", "The person does not qualify for this filing category"),
  NOT_A_SHARER(422, "仅有个人账户的职工可共济", "Only an employee with a personal account can share it"),
  NOT_A_CLOSE_RELATIVE(422, "户籍及亲属关系记录中不是所述近亲属", "The registry does not show this close relation"),
  FAMILY_NOT_BOUND(422, "不是已绑定的共济亲属", "Not a relative bound for this use"),
  RECIPIENT_NOT_INSURED(422, "收款人参保状态异常", "The recipient's insurance is not active"),
  WALLET_NOT_OPENED(422, "收款人未开通医保钱包", "The recipient has no insurance wallet"),
  TRANSFER_AMOUNT_TOO_HIGH(422, "单笔转账金额超过上限", "The amount is above the most one transfer may move"),
  RATE_LIMITED(429, "请求过于频繁，请稍后再试", "Too many requests, try again later"),
  INTERNAL_ERROR(500, "系统内部错误", "Internal error"),
  REDIS_UNAVAILABLE(503, "会话服务暂时不可用，请稍后再试", "Session store temporarily unavailable"),
  CORE_UNAVAILABLE(503, "医保核心系统暂时不可用，请稍后再试", "Core system temporarily unavailable"),
  REQUEST_TIMEOUT(503, "请求处理超时，请稍后再试", "The request took too long"),
  NOT_READY(503, "服务尚未就绪", "Not ready");

  private final int status;
  private final String titleZh;
  private final String titleEn;

  ProblemCode(int status, String titleZh, String titleEn) {
    this.status = status;
    this.titleZh = titleZh;
    this.titleEn = titleEn;
  }

  public int status() {
    return status;
  }

  public String title(boolean english) {
    return english ? titleEn : titleZh;
  }
}
