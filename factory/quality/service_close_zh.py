"""A help desk's closing sentence after an in-character opening: 火之契约已成。如果您需要更多建议，我随时
乐意提供帮助。 / 辣椒要二荆条的才香。还有啥子需要我帮忙的，随时告诉我就好！

Read by the roles in the clause, not by the words of a line: the speaker (我) offers the addressee
(你/您) a service (帮/提供/效劳/做) that is left open (还有什么…, 如果您需要…), apologises for the
service itself (给您带来不便, 我的回答), points at a list that never comes (参考以下几点), or
validates a feeling as a counsellor does (这确实是一个令人困扰的情况). The open question only counts
as the reply's last sentence: 还有什么我能为您做的吗？想吃什么，都跟我说。 opens a scene's care, and
the concrete offers after it keep it there.
"""

from __future__ import annotations

import re

_SENT = re.compile(r"[^。！？!?～~\n]+[。！？!?～~\n]*")
_YOU = r"(?:你|您|阁下)"
_HELP = r"(?:帮忙|帮助|帮到|帮上|帮你|帮您|效劳|服务|协助|做的|做些什么|做点什么)"
_WH = r"(?:什么|啥子?|哪些|其他|别的)"
# 还有什么(需要)我(能)为您做的 / 还有啥子需要我帮忙的: an open offer of more service
_OPEN_OFFER = re.compile(rf"还有{_WH}[^。！？!?]{{0,8}}我[^。！？!?]{{0,6}}{_HELP}")
# 我(随时)可以为您提供(一些)建议 / 如果您需要…，我随时乐意提供帮助: the speaker serving the addressee
_PROVIDE = re.compile(
    rf"我[^。！？!?，,]{{0,6}}(?:可以|能|乐意|愿意|会)[^。！？!?，,]{{0,4}}(?:(?:为|给|向){_YOU})?提供"
    r"[^。！？!?]{0,8}(?:建议|帮助|服务|信息|方案|支持|参考|解答)"
)
_IF_NEED = re.compile(
    rf"如果{_YOU}还?(?:需要|想要|想了解)[^。！？!?]{{0,20}}我[^。！？!?]{{0,8}}(?:帮助|提供|效劳|服务|协助)"
)
# the service apologising for itself: 给您带来不便, 改进我的回答
_SELF_APOLOGY = re.compile(rf"(?:给|为){_YOU}带来的?(?:不便|困扰)|(?:改进|完善|优化)我的(?:回答|回复)")
# a pointer to points that the reply then never lists: 您可以参考以下几点。
_POINTER = re.compile(rf"{_YOU}可以参考以下(?:几点|建议|内容|方法)?")
# the counsellor's validation of a feeling: 这确实是一个令人困扰的情况 / 我们可以一起来看看有哪些解决方案
_COUNSEL = re.compile(
    r"这确实是一个令人[^。！？!?，,]{1,6}的(?:情况|问题|处境)"
    r"|我们可以一起来?(?:看看|探讨|分析|想想)[^。！？!?]{0,8}(?:方案|办法|方法|建议)"
)


def service_close(text: str) -> str | None:
    """The sentence of `text` in which a help desk offers, apologises for or frames its service, or None."""
    sentences = [s.strip() for s in _SENT.findall(text) if s.strip()]
    for i, s in enumerate(sentences):
        last = i == len(sentences) - 1
        if last and _OPEN_OFFER.search(s):
            return s[:80]
        if _PROVIDE.search(s) or _IF_NEED.search(s) or _SELF_APOLOGY.search(s) or _COUNSEL.search(s):
            return s[:80]
        if _POINTER.search(s) and last:
            return s[:80]  # the list it points at never follows
    return None
