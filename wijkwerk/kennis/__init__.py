"""kennis"""
