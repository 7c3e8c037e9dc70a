#   Known requesting agencies and the mail domains they send from.
#   A request is "verified" only when the provider's own gateway saw DMARC
#   pass (Authentication-Results from intake/trusted_authserv_id) for the
#   sender's domain AND that domain, or a parent of it, is listed here.
#   Unverified requests are never decided automatically: they go to review.
#   The legal team maintains this list; add a domain only after confirming
#   it with the agency by a channel other than e-mail.
#   country is the state the agency is an authority of: policy rule 5
#   checks it for treaty (MLAT) requests.
#
#   This is the one list of agencies' mail domains: extraction reads it
#   too (common/mail/agencies.h). A domain in `domains` verifies a sender, and a
#   letter from there names the agency as its issuer when the text names
#   none (its addresses are never a target's). Two more keys, for domains
#   that must do only one of the two:
#     shared_domains       verify a sender, but others write from there too
#                          (a relay, a portal, a whole city's mail): they do
#                          not say which agency issued a letter;
#     unconfirmed_domains  extraction's knowledge of an agency's domain that
#                          the legal team has not confirmed: names the issuer,
#                          never verifies a sender. Move it to `domains` once
#                          confirmed.
#   writ carries a copy of this file built in (extraction's table where no
#   file is configured); the daemons and writctl read the configured one
#   (intake/agencies), so an edit here reaches both at their next start.

agencies
    fbi
        name = "FBI"
        country = US
        domains = "fbi.gov, ic.fbi.gov"
    #   Law Enforcement Online: officers of many agencies write from there.
        shared_domains = "leo.gov"
    #   The Justice Department includes the Criminal Division's Office of
    #   International Affairs (OIA), the US central authority for treaty
    #   (MLAT) requests: policy rule 5 lets an mlat_request count as process
    #   only when its sender is a known agency of the requested state, so a
    #   treaty request the US executes must come from here (OIA writes from
    #   usdoj.gov), never from the foreign agency that asked.
    #   usdoj.gov is shared: OIA relays requests other agencies issued, and
    #   the whole Department (U.S. Attorneys, Marshals) writes from there.
    doj
        name = "U.S. Department of Justice"
        country = US
        shared_domains = "usdoj.gov"
    dea
        name = "DEA"
        country = US
        domains = "dea.gov, dea.usdoj.gov"
    usss
        name = "USSS"
        country = US
        domains = "usss.dhs.gov, secretservice.gov"
    hsi
        name = "HSI"
        country = US
        domains = "ice.dhs.gov, hsi.dhs.gov"
    dhs
        name = "DHS"
        country = US
        domains = "hq.dhs.gov, cbp.dhs.gov"
    uspis
        name = "USPIS"
        country = US
        domains = "uspis.gov"
    irs_ci
        name = "IRS-CI"
        country = US
        domains = "ci.irs.gov"
    atf
        name = "ATF"
        country = US
        domains = "atf.gov"
    usms
        name = "USMS"
        country = US
        domains = "usms.doj.gov"
    #   austintexas.gov is the whole city's mail, not only its police's.
    austin_pd
        name = "Austin Police Department"
        country = US
        shared_domains = "austintexas.gov"
    nypd
        name = "NYPD"
        country = US
        domains = "nypd.org"
    ncis
        name = "NCIS"
        country = US
        unconfirmed_domains = "ncis.navy.mil"
    nca
        name = "NCA"
        country = GB
        domains = "nca.gov.uk, nca.x.gsi.gov.uk"
    met
        name = "Metropolitan Police Service"
        country = GB
        domains = "met.police.uk"
    garda
        name = "Garda Síochána"
        country = IE
        domains = "garda.ie"
    bka
        name = "BKA"
        country = DE
        domains = "bka.bund.de, bka.de"
    afp
        name = "AFP"
        country = AU
        domains = "afp.gov.au"
    rcmp
        name = "RCMP"
        country = CA
        domains = "rcmp-grc.gc.ca"
    europol
        name = "Europol"
        country = NL
        domains = "europol.europa.eu"
