"""The rescue teams module's window: the 队伍 page (teams by readiness, a team's members, certificates,
training, equipment and every readiness factor explained) and the 值班 page (a duty point's roster).
"""
