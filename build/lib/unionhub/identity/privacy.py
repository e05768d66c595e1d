"""The privacy notice (隐私政策) members consent to when they give their legal name and ID
number (sensitive personal information, PIPL art. 28-29: separate, recorded consent).

The notice is part of the release: a new text gets a new version, and verification asks for
consent to the current one. Members who consented to an older version keep their record.
"""

from __future__ import annotations

from dataclasses import dataclass

from unionhub.errors import ValidationFailed


@dataclass(frozen=True)
class PrivacyNotice:
    version: str
    text: str


CURRENT = PrivacyNotice(
    version="2026-12-01",
    text=(
        "工会会员服务平台隐私政策（2026年12月1日版）\n"
        "一、我们收集的信息：手机号码用于登录；姓名和居民身份证号码（敏感个人信息）仅用于会员"
        "实名认证、入会和会籍管理。\n"
        "二、使用与查阅：您的个人信息加密存储；只有您本人和对您所在工会有管理权限的工会干部可以"
        "查看完整信息，每一次查看都会被记录。\n"
        "三、您的权利：您可以随时在应用中导出我们持有的您的全部个人信息，也可以注销账户。注销后"
        "您的姓名、手机号码和身份证号码将被删除，订单和支付记录以匿名编号保留以满足财务要求。\n"
        "四、同意：点击“同意并认证”即表示您单独同意我们为上述目的处理您的敏感个人信息。"
    ),
)


def require_current_consent(version: str | None) -> str:
    """The version the member consented to; refused unless it is the current notice's."""
    version = (version or "").strip()
    if not version:
        raise ValidationFailed("consent to the privacy notice before verifying your identity",
                               field="consentVersion", code="CONSENT_REQUIRED")
    if version != CURRENT.version:
        raise ValidationFailed("the privacy notice has changed; read and consent to the "
                               "current version", field="consentVersion",
                               code="CONSENT_VERSION_OUTDATED")
    return version
