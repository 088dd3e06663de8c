from django.urls import URLPattern, URLResolver, path

from linkwell.timebank.views import broker, member

app_name = "timebank"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", member.home, name="home"),
    path("record/", member.record, name="record"),
    path("listings/", member.listing_new, name="listing_new"),
    path("offers/<uuid:offer_id>/redeem/", member.redeem, name="redeem"),
    path("exchanges/<uuid:exchange_id>/confirm/", member.confirm, name="confirm"),
    path("exchanges/<uuid:exchange_id>/decline/", member.decline, name="decline"),
    path("broker/", broker.broker, name="broker"),
    path("broker/members/", broker.member_add, name="member_add"),
    path("broker/exchanges/<uuid:exchange_id>/reverse/", broker.reverse, name="reverse"),
    path("broker/requests/<uuid:listing_id>/match/", broker.match, name="match"),
    path("broker/matches/<uuid:match_id>/exchange/", broker.match_exchange, name="match_exchange"),
    path("broker/packages/", broker.package_new, name="package_new"),
    path("report/", broker.report, name="report"),
]
